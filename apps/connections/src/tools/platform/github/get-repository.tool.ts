import { objectSchema, ToolDefinition } from '../../tool';
import { githubCall, REPO_ARGS, repoPath } from './github-api';

interface Repo {
  full_name?: string;
  description?: string | null;
  private?: boolean;
  default_branch?: string;
  html_url?: string;
  stargazers_count?: number;
  open_issues_count?: number;
  language?: string | null;
  topics?: string[];
  pushed_at?: string;
}

export const githubGetRepositoryTool: ToolDefinition = {
  name: 'github.get_repository',
  description: 'Read a GitHub repository: description, default branch, visibility, stars, open issues.',
  platform: 'github',
  inputSchema: objectSchema({ ...REPO_ARGS }, ['owner', 'repo']),
  async execute(args, ctx) {
    const result = await githubCall(ctx, repoPath(args));
    if (result.isError) return result;
    const r = result.output as Repo;
    return {
      output: {
        full_name: r.full_name,
        description: r.description,
        private: r.private,
        default_branch: r.default_branch,
        url: r.html_url,
        stars: r.stargazers_count,
        open_issues: r.open_issues_count,
        language: r.language,
        topics: r.topics ?? [],
        pushed_at: r.pushed_at,
      },
    };
  },
};
