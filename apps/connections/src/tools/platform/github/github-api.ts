import { joinUrl } from '../../../platforms/platform';
import { ToolContext, ToolHttpRequest, ToolResult } from '../../tool';
import { platformReply } from '../platform-reply';

export const REPO_ARGS = {
  owner: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,100}$', description: 'Account or organization, e.g. octocat' },
  repo: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,100}$', description: 'Repository name, e.g. hello-world' },
};

/** One GitHub REST call with the connection's token; a 403 with no requests left is GitHub's rate limit. */
export async function githubCall(
  ctx: ToolContext,
  path: string,
  init: Pick<ToolHttpRequest, 'method' | 'json'> = {},
  query: Record<string, unknown> = {},
): Promise<ToolResult> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) qs.set(k, String(v));
  const search = qs.toString();
  const url = joinUrl(String(ctx.config.base_url), path) + (search ? `?${search}` : '');
  const res = await ctx.http(url, {
    ...init,
    headers: {
      authorization: `Bearer ${String(ctx.config.token)}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
    },
  });
  const rateLimited = res.status === 429 || (res.status === 403 && res.headers['x-ratelimit-remaining'] === '0');
  return platformReply('GitHub', res, rateLimited);
}

export const repoPath = (args: Record<string, unknown>, rest = '') =>
  `repos/${encodeURIComponent(String(args.owner))}/${encodeURIComponent(String(args.repo))}${rest}`;

interface Issue {
  number?: number;
  title?: string;
  state?: string;
  html_url?: string;
  user?: { login?: string };
  labels?: ({ name?: string } | string)[];
  created_at?: string;
  updated_at?: string;
  pull_request?: unknown;
}

/** The fields of an issue or pull request a caller needs, not GitHub's 100-field object. */
export function issueSummary(i: Issue) {
  return {
    number: i.number,
    title: i.title,
    state: i.state,
    url: i.html_url,
    author: i.user?.login,
    labels: (i.labels ?? []).map((l) => (typeof l === 'string' ? l : l.name)),
    is_pull_request: i.pull_request !== undefined,
    created_at: i.created_at,
    updated_at: i.updated_at,
  };
}
