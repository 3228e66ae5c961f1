import { expectStatus, startStack, startTestMcpServer, TestMcpServer, TestSession, TestStack } from '@agentry/testing';
import { activeConnection } from './support/tools-session';

/**
 * Two connections replicas each keep their own MCP session and tool cache. A refresh or a connection
 * test on whichever replica answers reaches both (`connections.mcp_changed`). Which replica answers a
 * request is NATS's choice; the MCP server tells them apart by session id, so the test lists until both
 * have answered instead of waiting for anything.
 */
describe('MCP tool caches across two connections replicas (private stack)', () => {
  let stack: TestStack;
  let session: TestSession;
  let mcp: TestMcpServer;
  let connectionId: string;

  beforeAll(async () => {
    [stack, mcp] = await Promise.all([
      startStack({
        services: ['gateway', 'connections', 'connections#2'],
        label: 'mcp_replicas',
        perServiceEnv: { connections: { AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true' } },
      }),
      startTestMcpServer(),
    ]);
    session = await TestSession.create(stack);
    connectionId = (await activeConnection(session, 'mcp', { url: mcp.url, auth_token: mcp.token }, 'Shared MCP')).id;
  });

  afterAll(async () => {
    await mcp?.close();
    await stack?.stop();
  });

  const mcpToolNames = async (refresh = false): Promise<string[]> => {
    const res = expectStatus(await session.get('/v1/tools', { query: refresh ? { refresh: true } : {} }), 200, 'GET /v1/tools');
    return (res.body.data as { name: string; source: string }[]).filter((t) => t.source === 'mcp').map((t) => t.name);
  };

  /** The MCP sessions that asked for tools/list since `mark` (one per replica that did). */
  const listersSince = (mark: number) => new Set(mcp.toolListings.slice(mark));

  /** Lists until both replicas have asked the server since `mark`; every listing must be `expected`. */
  async function listUntilBothListed(mark: number, expected: string[]): Promise<void> {
    for (let i = 0; i < 200 && listersSince(mark).size < 2; i++) expect((await mcpToolNames()).sort()).toEqual(expected);
    expect(listersSince(mark).size).toBe(2);
  }

  const before = ['mcp.count_slowly', 'mcp.lookup_customer'];
  const withInventory = [...before, 'mcp.check_inventory'].sort();
  const withOrders = [...withInventory, 'mcp.list_orders'].sort();

  it('a refresh on one replica makes every replica list the new tools', async () => {
    await listUntilBothListed(0, before);
    const sessions = [...listersSince(0)];

    mcp.addTool('check_inventory', 'Stock of a product', { notify: false });
    // Unannounced, the change stays unseen: both replicas answer from their cache.
    const cached = mcp.toolListings.length;
    for (let i = 0; i < 10; i++) expect((await mcpToolNames()).sort()).toEqual(before);
    expect(mcp.toolListings.length).toBe(cached);

    expect((await mcpToolNames(true)).sort()).toEqual(withInventory);
    await listUntilBothListed(cached, withInventory);
    for (let i = 0; i < 20; i++) expect((await mcpToolNames()).sort()).toEqual(withInventory);

    // Each replica asked once more, on the session it already had, and cached the answer again.
    expect(mcp.toolListings.slice(cached).sort()).toEqual(sessions.sort());
  });

  it('testing the connection on one replica makes every replica list the new tools', async () => {
    mcp.addTool('list_orders', 'Orders of a customer', { notify: false });
    const cached = mcp.toolListings.length;
    for (let i = 0; i < 10; i++) expect((await mcpToolNames()).sort()).toEqual(withInventory);

    const tested = expectStatus(await session.post(`/v1/connections/${connectionId}/test`, {}), 200, 'POST test');
    expect(tested.body).toMatchObject({ ok: true, connection: { status: 'active' } });

    await listUntilBothListed(cached, withOrders);
    for (let i = 0; i < 20; i++) expect((await mcpToolNames()).sort()).toEqual(withOrders);
    expect(mcp.toolListings.length - cached).toBe(2);
  });
});
