import {
  FakeSlack,
  sharedStack,
  StackInfo,
  startFakeSlack,
  startHttpFake,
  startTestMcpServer,
  TestMcpServer,
  TestSession,
  HttpFake,
  sendJson,
  waitFor,
} from '@agentry/testing';
import { Client } from 'pg';
import { activeConnection, errorOf, postSse } from './support/tools-session';

describe('tools: catalog, calls, MCP (through the gateway)', () => {
  let stack: StackInfo;
  let session: TestSession;
  let slack: FakeSlack;
  let mcp: TestMcpServer;
  let api: HttpFake;
  let db: Client;
  let slackId: string;
  let mcpId: string;

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
    [slack, mcp, api] = await Promise.all([
      startFakeSlack(),
      startTestMcpServer(),
      startHttpFake((req, res) => sendJson(res, 200, { echo: req.body ?? null, path: req.path })),
    ]);
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all([slack?.close(), mcp?.close(), api?.close()]);
  });

  const call = (name: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    session.post('/v1/tools/call', { name, arguments: args, ...extra });

  describe('before anything is connected', () => {
    it('lists the built-in tools, and with include_all the platform tools as unavailable', async () => {
      const res = await session.get('/v1/tools');

      expect(res.status).toBe(200);
      expect(res.body.data.map((t: { name: string }) => t.name)).toEqual(['http.request', 'json.transform', 'time.now']);
      const all = (await session.get('/v1/tools', { query: { include_all: true } })).body.data;
      expect(all).toContainEqual(
        expect.objectContaining({
          name: 'slack.post_message',
          source: 'platform',
          platform: 'slack',
          connection_id: null,
          available: false,
        }),
      );
      expect(all.find((t: { name: string }) => t.name === 'github.create_issue').input_schema).toMatchObject({
        required: ['owner', 'repo', 'title'],
      });
    });

    it('answers 424 INTEGRATION_NOT_CONNECTED for a tool whose platform is not connected', async () => {
      const res = await call('github.create_issue', { owner: 'acme', repo: 'site', title: 'Broken' });

      expect(res.status).toBe(424);
      expect(errorOf(res)).toMatchObject({
        code: 'INTEGRATION_NOT_CONNECTED',
        message: expect.stringContaining('GitHub is not connected'),
      });
      expect((await call('mcp.lookup_customer', { email: 'ada@example.com' })).status).toBe(424);
    });

    it('runs built-in tools', async () => {
      const transform = await call('json.transform', { expression: '$sum(items.price)', data: { items: [{ price: 2 }, { price: 3.5 }] } });
      const http = await call('http.request', { method: 'POST', url: `${api.url}/hello`, body: { a: 1 } });

      expect(transform.status).toBe(200);
      expect(transform.body).toMatchObject({
        id: expect.stringMatching(/^tcl_/),
        name: 'json.transform',
        connection_id: null,
        output: 5.5,
        is_error: false,
      });
      expect(http.body.output).toMatchObject({ status: 200, body: { echo: { a: 1 }, path: '/hello' } });
      expect(errorOf(await call('json.transform', { expression: '$sum(' }))).toMatchObject({
        code: 'INVALID_INPUT',
        details: [{ field: 'arguments.expression', reason: expect.any(String) }],
      });
    });
  });

  describe('with a Slack connection and an MCP server', () => {
    beforeAll(async () => {
      slackId = (await activeConnection(session, 'slack', { bot_token: slack.token, base_url: slack.apiUrl }, 'Acme Slack')).id;
      mcpId = (await activeConnection(session, 'mcp', { url: mcp.url, auth_token: mcp.token }, 'CRM (MCP)')).id;
    });

    it('lists the tools of each active connection and of the MCP server, with their JSON Schemas', async () => {
      const tools = (await session.get('/v1/tools')).body.data;

      expect(tools.find((t: { name: string }) => t.name === 'slack.post_message')).toMatchObject({
        source: 'platform',
        connection_id: slackId,
        connection_name: 'Acme Slack',
        available: true,
      });
      const lookup = tools.find((t: { name: string }) => t.name === 'mcp.lookup_customer');
      expect(lookup).toMatchObject({
        source: 'mcp',
        platform: 'mcp',
        connection_id: mcpId,
        description: expect.stringContaining('customer'),
      });
      expect(lookup.input_schema).toMatchObject({
        type: 'object',
        properties: { email: { type: 'string', format: 'email' } },
        required: ['email'],
      });
      expect(tools.map((t: { name: string }) => t.name)).toContain('mcp.count_slowly');
    });

    it('posts a Slack message through the connection', async () => {
      const res = await call('slack.post_message', { channel: '#sales', text: 'Hot lead: Ada (92)' });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'slack.post_message',
        connection_id: slackId,
        is_error: false,
        output: { ok: true, channel: 'C0SALES' },
      });
      expect(slack.messages).toContainEqual({ channel: '#sales', text: 'Hot lead: Ada (92)' });
    });

    it('refuses invalid arguments with the field paths, before calling anything', async () => {
      const before = slack.requests.length;

      const res = await call('slack.post_message', { text: 42, colour: 'red' });

      expect(res.status).toBe(400);
      expect(errorOf(res)).toMatchObject({ code: 'INVALID_INPUT', message: 'Invalid arguments for slack.post_message' });
      expect(errorOf(res).details).toEqual(
        expect.arrayContaining([
          { field: 'arguments.channel', reason: 'is required' },
          { field: 'arguments.colour', reason: 'unknown field' },
          { field: 'arguments.text', reason: 'must be string' },
        ]),
      );
      expect(slack.requests.length).toBe(before);
      const mcpBad = await call('mcp.lookup_customer', { email: 'not-an-email' });
      expect(errorOf(mcpBad).details).toEqual([{ field: 'arguments.email', reason: 'must match format "email"' }]);
    });

    it("returns the platform's own failure as is_error, so a model can read it", async () => {
      const res = await call('slack.post_message', { channel: '#nowhere', text: 'hi' });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ is_error: true, output: { ok: false, error: 'channel_not_found' } });
    });

    it('calls an MCP tool with tools/call and returns its structured result', async () => {
      const res = await call('mcp.lookup_customer', { email: 'ada@example.com' });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'mcp.lookup_customer',
        connection_id: mcpId,
        is_error: false,
        output: { structured_content: { name: 'Ada Lovelace', plan: 'enterprise', seats: 250 }, content: [{ type: 'text' }] },
      });
      expect(mcp.calls).toContainEqual({ name: 'lookup_customer', arguments: { email: 'ada@example.com' } });
      const missing = await call('mcp.lookup_customer', { email: 'nobody@example.com' });
      expect(missing.body).toMatchObject({
        is_error: true,
        output: { content: [{ type: 'text', text: expect.stringContaining('No customer') }] },
      });
    });

    it('streams an MCP tool call: started, progress from the server, then the result', async () => {
      const res = await postSse(stack.gatewayUrl, session.adminApiKey.key, '/v1/tools/call/stream', {
        name: 'mcp.count_slowly',
        arguments: { n: 3 },
      });

      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^text\/event-stream/);
      expect(res.headers['x-request-id']).toMatch(/^req_/);
      expect(res.events.map((e) => e.event)).toEqual(['started', 'progress', 'progress', 'progress', 'result']);
      expect(res.events[3].data).toMatchObject({ type: 'progress', progress: 3, total: 3, message: 'counted 3' });
      expect(res.events[4].data).toMatchObject({ name: 'mcp.count_slowly', output: { content: [{ type: 'text', text: 'counted to 3' }] } });
    });

    it('answers a streamed call refused up front with a plain JSON error', async () => {
      const res = await postSse(stack.gatewayUrl, session.adminApiKey.key, '/v1/tools/call/stream', {
        name: 'mcp.count_slowly',
        arguments: { n: 99 },
      });

      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ code: 'INVALID_INPUT', details: [{ field: 'arguments.n', reason: 'must be <= 5' }] });
    });

    it('sees a new MCP tool after the server announces tools/list_changed', async () => {
      mcp.addTool('shout', 'Shouts the text back');

      const seen = await waitFor(
        async () => {
          const names = (await session.get('/v1/tools')).body.data.map((t: { name: string }) => t.name);
          return names.includes('mcp.shout');
        },
        10_000,
        200,
      );

      expect(seen).toBe(true);
      expect((await call('mcp.shout', { text: 'hey' })).body.output).toEqual({ content: [{ type: 'text', text: 'shout: hey' }] });
    });

    it('answers a platform outage with a retryable EXECUTION_FAILED', async () => {
      slack.failWith(503);
      try {
        const res = await call('slack.post_message', { channel: '#sales', text: 'x' });

        expect(res.status).toBe(500);
        expect(errorOf(res)).toMatchObject({ code: 'EXECUTION_FAILED', message: expect.stringContaining('Slack answered HTTP 503') });
      } finally {
        slack.failWith(null);
      }
    });

    it('answers 424 for a connection that does not exist, is of another platform, or an unknown tool with 404', async () => {
      expect(
        errorOf(await call('slack.post_message', { channel: '#sales', text: 'x' }, { connection_id: 'con_01JD0000000000000000000000' })),
      ).toMatchObject({
        code: 'INTEGRATION_NOT_CONNECTED',
      });
      expect((await call('slack.post_message', { channel: '#sales', text: 'x' }, { connection_id: mcpId })).status).toBe(424);
      expect((await call('slack.fly_to_the_moon', {})).status).toBe(404);
      expect((await call('not a tool', {})).status).toBe(400);
    });

    it('replays an idempotent call instead of posting twice', async () => {
      const headers = { 'idempotency-key': `post-once-${Date.now()}` };
      const body = { name: 'slack.post_message', arguments: { channel: '#general', text: 'only once' } };

      const first = await session.post('/v1/tools/call', body, { headers });
      const second = await session.post('/v1/tools/call', body, { headers });

      expect(second.status).toBe(200);
      expect(second.body.id).toBe(first.body.id);
      expect(slack.messages.filter((m) => m.text === 'only once')).toHaveLength(1);
    });

    it('needs tools:call to call and connections:read to list', async () => {
      const reader = await session.keyWith(['connections:read']);
      const caller = await session.keyWith(['tools:call']);

      expect((await reader.get('/v1/tools')).status).toBe(200);
      expect((await reader.post('/v1/tools/call', { name: 'time.now', arguments: {} })).status).toBe(403);
      expect(
        (await caller.post('/v1/tools/call', { name: 'time.now', arguments: { timezone: 'Europe/Paris' } })).body.output,
      ).toMatchObject({
        timezone: 'Europe/Paris',
      });
      expect((await caller.get('/v1/tools')).status).toBe(403);
    });

    it('audits every call (who, which tool, when, outcome) without argument values', async () => {
      const { rows } = await db.query(
        `SELECT tool, source, connection_id, actor, status, error_code, argument_names, duration_ms FROM connections.tool_calls WHERE workspace_id = $1 ORDER BY id`,
        [session.workspace.id],
      );

      expect(rows).toContainEqual(
        expect.objectContaining({
          tool: 'slack.post_message',
          source: 'platform',
          connection_id: slackId,
          actor: session.adminApiKey.id,
          status: 'succeeded',
          argument_names: ['channel', 'text'],
        }),
      );
      expect(rows).toContainEqual(expect.objectContaining({ tool: 'slack.post_message', status: 'failed', error_code: 'INVALID_INPUT' }));
      expect(rows).toContainEqual(expect.objectContaining({ tool: 'slack.post_message', status: 'tool_error' }));
      expect(rows).toContainEqual(
        expect.objectContaining({ tool: 'github.create_issue', status: 'failed', error_code: 'INTEGRATION_NOT_CONNECTED' }),
      );
      expect(rows).toContainEqual(
        expect.objectContaining({ tool: 'mcp.lookup_customer', source: 'mcp', connection_id: mcpId, status: 'succeeded' }),
      );
      expect(JSON.stringify(rows)).not.toContain('Hot lead');
    });
  });
});
