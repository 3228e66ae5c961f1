import { objectSchema, ToolDefinition } from '../../tool';
import { githubCall, REPO_ARGS, repoPath } from './github-api';

export const githubCommentOnIssueTool: ToolDefinition = {
  name: 'github.comment_on_issue',
  description: 'Comment on a GitHub issue or pull request.',
  platform: 'github',
  inputSchema: objectSchema(
    { ...REPO_ARGS, issue_number: { type: 'integer', minimum: 1 }, body: { type: 'string', minLength: 1, maxLength: 65_536 } },
    ['owner', 'repo', 'issue_number', 'body'],
  ),
  async execute(args, ctx) {
    const result = await githubCall(ctx, repoPath(args, `/issues/${Number(args.issue_number)}/comments`), {
      method: 'POST',
      json: { body: args.body },
    });
    if (result.isError) return result;
    const c = result.output as { id?: number; html_url?: string; created_at?: string };
    return { output: { id: c.id, url: c.html_url, created_at: c.created_at } };
  },
};
