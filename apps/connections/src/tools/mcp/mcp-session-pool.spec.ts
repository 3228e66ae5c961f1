import { createLogger, NatsHandles } from '@agentry/common';
import { startTestMcpServer, TestMcpServer } from '@agentry/testing';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ConnectionsConfig } from '../../config/connections.config';
import { McpSession } from './mcp-session';
import { McpConnectionRef, McpSessionPool } from './mcp-session-pool';

/** The pool's stop against a real MCP server (the SDK's, over Streamable HTTP on 127.0.0.1). */
describe('McpSessionPool at stop', () => {
  let mcp: TestMcpServer;
  let conn: McpConnectionRef;

  const pool = (graceMs = 10_000) => {
    const config = Object.assign(new ConnectionsConfig(), { AGENTRY_ALLOW_PRIVATE_NETWORKS: true, SHUTDOWN_GRACE_MS: graceMs });
    // NATS is used only from onApplicationBootstrap, which these tests do not call.
    return new McpSessionPool(config, createLogger('test', 'silent'), {} as NatsHandles);
  };
  const options = () => ({ signal: new AbortController().signal, timeoutMs: 10_000 });
  const text = (result: { content: unknown }) => (result.content as { type: string; text: string }[])[0]?.text;

  beforeAll(async () => {
    mcp = await startTestMcpServer();
    conn = { id: 'con_pool_stop', revision: 'r1', config: { url: mcp.url, auth_token: mcp.token } };
  });

  afterAll(async () => {
    await mcp?.close();
  });

  afterEach(() => jest.restoreAllMocks());

  it('lets a call under way finish, then closes the session', async () => {
    const sut = pool();
    await sut.listTools(conn); // the session is open before the stop
    const closed: number[] = [];
    const close = McpSession.prototype.close;
    jest.spyOn(McpSession.prototype, 'close').mockImplementation(function (this: McpSession) {
      closed.push(Date.now());
      return close.call(this);
    });
    let answeredAt = 0;
    // count_slowly waits 30 ms per count: the call is still in flight when the stop begins.
    const call = sut.callTool(conn, 'count_slowly', { n: 5 }, options()).then((r) => {
      answeredAt = Date.now();
      return r;
    });

    await sut.beforeApplicationShutdown();

    expect(text(await call)).toBe('counted to 5');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toBeGreaterThanOrEqual(answeredAt);
  });

  it('waits for a call that arrives during the stop too', async () => {
    const sut = pool();
    const first = sut.callTool(conn, 'count_slowly', { n: 3 }, options());
    const stopping = sut.beforeApplicationShutdown();
    const late = sut.callTool(conn, 'count_slowly', { n: 5 }, options());
    let lateDone = false;
    void late.then(() => (lateDone = true));

    await stopping;

    expect(lateDone).toBe(true);
    expect(text(await first)).toBe('counted to 3');
    expect(text(await late)).toBe('counted to 5');
  });

  it('closes the sessions after the grace period when a call does not end, which ends the call', async () => {
    // A server that takes the request and never answers: the call's own timeout (60 s) is far away.
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer(() => undefined);
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const sut = pool(1_200); // waits at most 200 ms
      const closes = jest.spyOn(McpSession.prototype, 'close');
      const hung = {
        id: 'con_pool_hung',
        revision: 'r1',
        config: { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/mcp` },
      };
      const call = sut.callTool(hung, 'count_slowly', { n: 1 }, { signal: new AbortController().signal, timeoutMs: 60_000 });
      const settled = call.then(
        () => 'answered',
        () => 'failed',
      );
      const started = Date.now();

      await sut.beforeApplicationShutdown();

      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(Date.now() - started).toBeLessThan(5_000);
      // The stop closed the session (the failed call's own clean-up may close it once more: close is idempotent).
      expect(closes).toHaveBeenCalled();
      await expect(settled).resolves.toBe('failed');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('closes an idle pool at once, and a call that failed does not hold the stop', async () => {
    const sut = pool();
    expect(text(await sut.callTool(conn, 'count_slowly', { n: 1 }, options()))).toBe('counted to 1');
    const bad = { ...conn, id: 'con_pool_bad', config: { ...conn.config, url: 'http://127.0.0.1:1/mcp' } };
    await expect(sut.callTool(bad, 'count_slowly', { n: 1 }, options())).rejects.toThrow();
    const started = Date.now();

    await sut.beforeApplicationShutdown();

    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
