import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

/** Credentials the fakes accept (valid), refuse as expired, or refuse. Random per server, so a grep finds them. */
export function fakeCredentials() {
  const r = () => randomBytes(12).toString('hex');
  return {
    slack: `xoxb-1111-2222-${r()}`,
    slackExpired: `xoxb-9999-8888-${r()}`,
    github: `ghp_${r()}`,
    openai: `sk-proj-${r()}`,
    anthropic: `sk-ant-api03-${r()}`,
    bearer: `tok_${r()}`,
    bearerExpired: `tok_expired_${r()}`,
    basicUser: 'agentry',
    basicPassword: `pw-${r()}`,
    mcp: `mcp_${r()}`,
    wrong: `sk-proj-wrong${r()}`,
  };
}
export type FakeCredentials = ReturnType<typeof fakeCredentials>;

export interface FakePlatforms {
  /** `http://127.0.0.1:<port>`; platforms live under /slack/api, /github, /openai/v1, /anthropic, /mcp, /mcp-sse, /bearer, /basic; /hang/* never answers. */
  url: string;
  credentials: FakeCredentials;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const bearer = (req: IncomingMessage) => (req.headers.authorization ?? '').replace(/^Bearer /, '');

/**
 * One local HTTP server that answers like the identity endpoints of Slack (auth.test), GitHub (GET /user),
 * OpenAI-compatible servers (GET /models), Anthropic, an MCP server (initialize, JSON or SSE) and plain
 * bearer/basic APIs. Wrong keys get each platform's real refusal; OpenAI's echoes the key it got, as the
 * real one echoes part of it, so the tests can prove that the service scrubs it.
 */
export async function startFakePlatforms(credentials: FakeCredentials = fakeCredentials()): Promise<FakePlatforms> {
  const requests: RecordedRequest[] = [];
  const c = credentials;
  const hanging = new Set<ServerResponse>();
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = (req.url ?? '/').split('?')[0];
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    if (path.startsWith('/hang/')) return void hanging.add(res);
    if (path === '/slack/api/auth.test' && req.method === 'POST') {
      const token = bearer(req);
      if (token === c.slack)
        return json(res, 200, {
          ok: true,
          url: 'https://acme.slack.com/',
          team: 'Acme',
          user: 'agentry-bot',
          team_id: 'T0001',
          user_id: 'U0001',
          bot_id: 'B0001',
        });
      return json(res, 200, { ok: false, error: token === c.slackExpired ? 'token_expired' : 'invalid_auth' });
    }
    if (path === '/github/user' && req.method === 'GET') {
      if (bearer(req) === c.github)
        return json(res, 200, { login: 'octocat', id: 583231, name: 'The Octocat', type: 'User' }, { 'x-oauth-scopes': 'repo, read:org' });
      return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    }
    if (path === '/openai/v1/models' && req.method === 'GET') {
      if (bearer(req) === c.openai)
        return json(res, 200, { object: 'list', data: [{ id: 'gpt-4o-mini' }, { id: 'text-embedding-3-small' }] });
      return json(res, 401, {
        error: { message: `Incorrect API key provided: ${bearer(req)}.`, type: 'invalid_request_error', code: 'invalid_api_key' },
      });
    }
    if (path === '/anthropic/v1/models' && req.method === 'GET') {
      if (req.headers['x-api-key'] === c.anthropic && req.headers['anthropic-version'])
        return json(res, 200, { data: [{ id: 'claude-sonnet-4-5' }], has_more: false });
      return json(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    }
    if ((path === '/mcp' || path === '/mcp-sse') && req.method === 'POST') {
      if (bearer(req) !== c.mcp) return json(res, 401, { error: 'unauthorized' });
      const rpc = JSON.parse(body || '{}') as { id?: number; method?: string };
      const reply = {
        jsonrpc: '2.0',
        id: rpc.id,
        result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'fake-mcp', version: '1.2.3' } },
      };
      if (path === '/mcp') return json(res, 200, reply, { 'mcp-session-id': 'sess-1' });
      res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 'sess-2' });
      return void res.end(`event: message\ndata: ${JSON.stringify(reply)}\n\n`);
    }
    if ((path === '/mcp' || path === '/mcp-sse') && req.method === 'DELETE') return void res.writeHead(204).end();
    if (path.startsWith('/bearer/')) {
      const token = bearer(req);
      if (token === c.bearer) return json(res, 200, { ok: true });
      const expired = token === c.bearerExpired;
      return json(
        res,
        401,
        { message: 'unauthorized' },
        expired ? { 'www-authenticate': 'Bearer error="invalid_token", error_description="The access token expired"' } : {},
      );
    }
    if (path.startsWith('/basic/')) {
      const expected = `Basic ${Buffer.from(`${c.basicUser}:${c.basicPassword}`).toString('base64')}`;
      // Like some real APIs, says what it got: the service must scrub it.
      if (req.headers.authorization === expected) return json(res, 200, { ok: true });
      return json(res, 401, { message: `unauthorized: got ${req.headers.authorization ?? 'no credentials'}` });
    }
    return json(res, 404, { message: 'not found' });
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    credentials,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
