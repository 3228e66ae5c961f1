import { objectSchema, ToolDefinition } from '../../tool';
import { githubCall, issueSummary, REPO_ARGS, repoPath } from './github-api';

export const githubListPullRequestsTool: ToolDefinition = {
  name: 'github.list_pull_requests',
  description: 'List the pull requests of a GitHub repository, newest first.',
  platform: 'github',
  inputSchema: objectSchema(
    {
      ...REPO_ARGS,
      state: { type: 'string', enum: ['open', 'closed', 'all'], default: 'open' },
      per_page: { type: 'integer', minimum: 1, maximum: 100, default: 30 },
    },
    ['owner', 'repo'],
  ),
  async execute(args, ctx) {
    const result = await githubCall(ctx, repoPath(args, '/pulls'), {}, { state: args.state ?? 'open', per_page: args.per_page ?? 30 });
    if (result.isError) return result;
    return { output: { pull_requests: (result.output as object[]).map((p) => ({ ...issueSummary(p), is_pull_request: true })) } };
  },
};
