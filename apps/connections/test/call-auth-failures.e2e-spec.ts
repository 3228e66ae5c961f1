import { EventEnvelope } from '@agentry/contracts';
import {
  FakeSlack,
  sharedStack,
  StackInfo,
  startFakeSlack,
  startTestMcpServer,
  TestMcpServer,
  TestSession,
  waitFor,
} from '@agentry/testing';
import { readFileSync } from 'node:fs';
import { ServiceCaller } from './support/connections-stack';
import { activeConnection, errorOf } from './support/tools-session';

type Disconnected = EventEnvelope<{
  connection_id: string;
  status: string;
  previous_status: string;
  error_message: string;
  detected_by?: string;
}>;

describe('a tool call refused as unauthenticated marks its connection failed (through the gateway)', () => {
  let stack: StackInfo;
  let session: TestSession;
  let slack: FakeSlack;
  let mcp: TestMcpServer;
  let services: ServiceCaller;
  let disconnected: Disconnected[];
  const texts: string[] = [];

  const call = async (name: string, args: Record<string, unknown>, connectionId?: string) => {
    const res = await session.post('/v1/tools/call', { name, arguments: args, ...(connectionId ? { connection_id: connectionId } : {}) });
    texts.push(JSON.stringify(res.body));
    return res;
  };
  const connection = async (id: string) => {
    const res = await session.get(`/v1/connections/${id}`);
    texts.push(JSON.stringify(res.body));
    return res.body;
  };
  const eventsFor = (id: string) => disconnected.filter((e) => e.data.connection_id === id);

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
    [slack, mcp] = await Promise.all([startFakeSlack(), startTestMcpServer()]);
    services = await ServiceCaller.connect(stack.natsUrl);
    disconnected = services.collect<Disconnected>('agentry.connections.disconnected');
  });

  afterAll(async () => {
    await services?.close();
    await Promise.all([slack?.close(), mcp?.close()]);
  });

  it('Slack token_revoked: 424 naming the refusal, the connection turns error once, and a good test makes it active again', async () => {
    const { id } = await activeConnection(session, 'slack', { bot_token: slack.token, base_url: slack.apiUrl }, 'Revoked Slack');
    slack.revoke();
    try {
      const res = await call('slack.post_message', { channel: '#sales', text: 'hello' }, id);

      expect(res.status).toBe(424);
      expect(errorOf(res)).toMatchObject({
        code: 'INTEGRATION_NOT_CONNECTED',
        message: expect.stringMatching(new RegExp(`Slack refused the connection's credentials: token_revoked.*${id} is now error`)),
        details: [{ field: 'connection_id', reason: 'credentials refused' }],
        request_id: expect.stringMatching(/^req_/),
      });
      const after = await connection(id);
      expect(after).toMatchObject({ status: 'error', error_message: expect.stringContaining('token_revoked') });
      expect(after.error_message).toContain('during a tool call');
      expect(await waitFor(async () => eventsFor(id).length === 1, 5_000, 50)).toBe(true);
      expect(eventsFor(id)[0].data).toMatchObject({ status: 'error', previous_status: 'active', detected_by: 'tool_call' });

      // Now not active: refused up front, without calling Slack, and no second event.
      const before = slack.requests.length;
      const again = await call('slack.post_message', { channel: '#sales', text: 'hello' }, id);
      expect(again.status).toBe(424);
      expect(errorOf(again).message).toContain('is not active, its status is error');
      expect(slack.requests.length).toBe(before);
    } finally {
      slack.revoke(false);
    }

    const test = await session.post(`/v1/connections/${id}/test`);
    expect(test.body).toMatchObject({ ok: true, status: 'active', connection: { status: 'active', error_message: null } });
    expect((await call('slack.post_message', { channel: '#sales', text: 'back' }, id)).status).toBe(200);
    expect(eventsFor(id)).toHaveLength(1);
  });

  it('MCP server answering 401 to a cached session: 424 and the connection turns error', async () => {
    const { id } = await activeConnection(session, 'mcp', { url: mcp.url, auth_token: mcp.token }, 'Revoked MCP');
    expect((await call('mcp.lookup_customer', { email: 'ada@example.com' }, id)).status).toBe(200);
    mcp.revoke();
    try {
      const res = await call('mcp.lookup_customer', { email: 'ada@example.com' }, id);

      expect(res.status).toBe(424);
      expect(errorOf(res).message).toMatch(/The MCP server refused the connection's credentials: HTTP 401/);
      expect(await connection(id)).toMatchObject({ status: 'error', error_message: expect.stringContaining('HTTP 401') });
      expect(await waitFor(async () => eventsFor(id).length === 1, 5_000, 50)).toBe(true);
    } finally {
      mcp.revoke(false);
    }
    expect((await session.post(`/v1/connections/${id}/test`)).body.status).toBe('active');
  });

  it('MCP server refusing the token when the tools are listed (a new session): 424, not an unknown tool', async () => {
    const { id } = await activeConnection(session, 'mcp', { url: mcp.url, auth_token: mcp.token }, 'Revoked MCP (cold)');
    mcp.revoke();
    try {
      const res = await call('mcp.lookup_customer', { email: 'ada@example.com' }, id);

      expect(res.status).toBe(424);
      expect(errorOf(res).code).toBe('INTEGRATION_NOT_CONNECTED');
      expect((await connection(id)).status).toBe('error');
    } finally {
      mcp.revoke(false);
    }
  });

  it('connections.report_auth_failure answers services only', async () => {
    const { id } = await activeConnection(session, 'slack', { bot_token: slack.token, base_url: slack.apiUrl }, 'Reported Slack');
    const report = { connection_id: id, reason: 'auth', message: 'HTTP 401', source: 'model_call' };

    const byKey = await services.call('connections.report_auth_failure', report, { workspace_id: session.workspace.id, actor: 'key_x' });
    const stale = await services.call(
      'connections.report_auth_failure',
      { ...report, revision: 99 },
      {
        workspace_id: session.workspace.id,
        actor: 'system:executions',
      },
    );

    expect(byKey.err?.code).toBe('FORBIDDEN');
    expect(stale.response).toEqual({ connection_id: id, status: 'active', changed: false });
    expect((await connection(id)).status).toBe('active');
  });

  it('never shows or logs a token', () => {
    const log = readFileSync(stack.logFile, 'utf8');
    for (const secret of [slack.token, mcp.token]) {
      expect(texts.join('\n')).not.toContain(secret);
      expect(log).not.toContain(secret);
    }
  });
});
