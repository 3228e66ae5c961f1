import { objectSchema, ToolDefinition } from '../../tool';
import { githubCall, issueSummary, REPO_ARGS, repoPath } from './github-api';

export const githubCreateIssueTool: ToolDefinition = {
  name: 'github.create_issue',
  description: 'Open an issue in a GitHub repository. Returns its number and URL.',
  platform: 'github',
  inputSchema: objectSchema(
    {
      ...REPO_ARGS,
      title: { type: 'string', minLength: 1, maxLength: 256 },
      body: { type: 'string', maxLength: 65_536, description: 'Markdown' },
      labels: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 50 } },
      assignees: { type: 'array', maxItems: 10, items: { type: 'string', pattern: '^[A-Za-z0-9-]{1,39}$' } },
    },
    ['owner', 'repo', 'title'],
  ),
  async execute(args, ctx) {
    const { owner: _o, repo: _r, ...issue } = args;
    const result = await githubCall(ctx, repoPath(args, '/issues'), { method: 'POST', json: issue });
    return result.isError ? result : { output: issueSummary(result.output as object) };
  },
};
