import { objectSchema, ToolDefinition } from '../../tool';
import { githubCall, issueSummary } from './github-api';

export const githubSearchIssuesTool: ToolDefinition = {
  name: 'github.search_issues',
  description: 'Search GitHub issues and pull requests with the search syntax, e.g. "repo:octocat/hello-world is:open label:bug".',
  platform: 'github',
  inputSchema: objectSchema(
    { q: { type: 'string', minLength: 1, maxLength: 256 }, per_page: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
    ['q'],
  ),
  async execute(args, ctx) {
    const result = await githubCall(ctx, 'search/issues', {}, { q: args.q, per_page: args.per_page ?? 20 });
    if (result.isError) return result;
    const body = result.output as { total_count?: number; items?: object[] };
    return { output: { total_count: body.total_count ?? 0, items: (body.items ?? []).map(issueSummary) } };
  },
};
