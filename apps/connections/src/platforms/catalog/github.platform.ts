import { joinUrl, Platform } from '../platform';
import { configSchema, httpFailure, httpUrl, isSuccess, secretString } from '../schema-parts';

export const githubPlatform: Platform = {
  id: 'github',
  name: 'GitHub',
  description: 'Issues, pull requests and repositories on GitHub or GitHub Enterprise Server (set base_url to https://host/api/v3).',
  authType: 'bearer',
  configSchema: configSchema(
    'GitHub',
    {
      token: secretString('Personal access token (ghp_… or github_pat_…) or an installation token'),
      base_url: httpUrl('REST API base URL', 'https://api.github.com'),
    },
    ['token'],
  ),
  testEndpoint: 'GET {base_url}/user',
  tools: [
    { name: 'github.create_issue', description: 'Open an issue in a repository' },
    { name: 'github.comment_on_issue', description: 'Comment on an issue or pull request' },
    { name: 'github.get_repository', description: 'Read a repository' },
    { name: 'github.list_pull_requests', description: 'List the pull requests of a repository' },
    { name: 'github.search_issues', description: 'Search issues and pull requests' },
  ],
  async test(config, http) {
    const res = await http(joinUrl(String(config.base_url), 'user'), {
      headers: {
        authorization: `Bearer ${String(config.token)}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'agentry',
      },
    });
    // A 403 with no requests left is GitHub's rate limit, not a refused token.
    if (res.status === 403 && res.headers['x-ratelimit-remaining'] === '0') {
      return { ok: false, reason: 'unexpected', message: 'GitHub is rate limiting these credentials (HTTP 403, no requests left)' };
    }
    if (!isSuccess(res)) return httpFailure('GitHub', res);
    const user = res.json<{ login?: string; id?: number; name?: string; type?: string }>() ?? {};
    const scopes = res.headers['x-oauth-scopes'];
    return {
      ok: true,
      identity: {
        login: user.login,
        id: user.id,
        name: user.name,
        type: user.type,
        ...(scopes !== undefined ? { scopes: scopes.split(/,\s*/).filter(Boolean) } : {}),
      },
    };
  },
};
