import { HttpFake, sendJson, sharedStack, startHttpFake, startTestMcpServer, TestMcpServer, TestSession } from '@agentry/testing';
import { activeConnection, errorOf } from './support/tools-session';

/** Security review M4: the MCP client refuses redirects and caps what a server may send back. */
describe('MCP transport limits (through the gateway)', () => {
  let session: TestSession;
  let mcp: TestMcpServer;
  let elsewhere: HttpFake;

  const call = (connectionId: string, timeoutMs = 20_000) =>
    session.post('/v1/tools/call', {
      name: 'mcp.lookup_customer',
      arguments: { email: 'ada@example.com' },
      connection_id: connectionId,
      timeout_ms: timeoutMs,
    });

  beforeAll(async () => {
    session = await TestSession.create(sharedStack());
    [mcp, elsewhere] = await Promise.all([startTestMcpServer(), startHttpFake((_req, res) => sendJson(res, 200, {}))]);
  });

  afterAll(async () => {
    mcp?.misbehave(null);
    await Promise.all([mcp?.close(), elsewhere?.close()]);
  });

  it('refuses a redirect: a clear error, and the token never reaches the other server', async () => {
    const { id } = await activeConnection(session, 'mcp', { url: mcp.url, auth_token: mcp.token }, 'Redirecting MCP');
    mcp.misbehave({ redirect: `${elsewhere.url}/mcp?stolen=1` });
    try {
      const res = await call(id);

      expect(res.status).toBe(500);
      expect(errorOf(res)).toMatchObject({
        code: 'EXECUTION_FAILED',
        message: expect.stringMatching(/answered HTTP 307 \(a redirect to 127\.0\.0\.1:\d+\); redirects are not followed/),
      });
      expect(errorOf(res).message).not.toContain('stolen');
      expect(elsewhere.requests).toEqual([]);
    } finally {
      mcp.misbehave(null);
    }
  });

  it.each(['json', 'sse'] as const)('fails an oversized %s answer at the cap, long before the call budget', async (shape) => {
    const { id } = await activeConnection(session, 'mcp', { url: mcp.url, auth_token: mcp.token }, `Oversized MCP (${shape})`);
    expect((await call(id)).status).toBe(200);
    mcp.misbehave({ oversized: shape, bytes: 64 * 1024 * 1024 });
    try {
      const started = Date.now();
      const res = await call(id, 60_000);

      expect(Date.now() - started).toBeLessThan(15_000);
      expect(res.status).toBe(500);
      expect(errorOf(res)).toMatchObject({
        code: 'EXECUTION_FAILED',
        message: expect.stringMatching(/The response from the MCP server at 127\.0\.0\.1:\d+ is larger than 4194304 bytes/),
      });
    } finally {
      mcp.misbehave(null);
    }
    // The session was dropped; a well-behaved server is used again at once.
    expect((await call(id)).status).toBe(200);
  });
});
