import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface TestMcpServer {
  /** The MCP endpoint: `http://127.0.0.1:<port>/mcp`. */
  url: string;
  token: string;
  /** Every tools/call the server ran: tool name and arguments. */
  calls: { name: string; arguments: Record<string, unknown> }[];
  /** The MCP session id of every tools/list request, in order: which clients (replicas) listed, and how often. */
  toolListings: string[];
  /**
   * Adds a tool to every session; the SDK sends `notifications/tools/list_changed`, unless `notify` is
   * false (a server that changes its tools without telling, found by a refresh or the cache TTL).
   */
  addTool(name: string, description: string, options?: { notify?: boolean }): void;
  /** While revoked, every request with the token gets HTTP 401 (a revoked token). */
  revoke(revoked?: boolean): void;
  /** Makes the server misbehave (see McpMisbehaviour) until called with null. */
  misbehave(mode: McpMisbehaviour | null): void;
  close(): Promise<void>;
}

/**
 * `redirect`: every request gets `307` to `location`. `oversized`: each tools/call is answered with
 * `bytes` of body, as one JSON document or as an event stream that never ends an event; the session
 * and tools/list keep working, so a client gets as far as calling a tool.
 */
export type McpMisbehaviour = { redirect: string } | { oversized: 'json' | 'sse'; bytes: number };

const CUSTOMERS: Record<string, { name: string; plan: string; seats: number }> = {
  'ada@example.com': { name: 'Ada Lovelace', plan: 'enterprise', seats: 250 },
  'alan@example.com': { name: 'Alan Turing', plan: 'free', seats: 1 },
};

/**
 * A real MCP server built with the official SDK, over Streamable HTTP (stateful sessions, so the
 * GET stream carries list_changed notifications). Two tools: `lookup_customer` (structured output,
 * isError for an unknown customer) and `count_slowly` (progress notifications).
 */
export async function startTestMcpServer(token = `mcp_${randomUUID()}`): Promise<TestMcpServer> {
  const calls: TestMcpServer['calls'] = [];
  const toolListings: string[] = [];
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const servers: McpServer[] = [];
  const extra: { name: string; description: string }[] = [];
  let revoked = false;
  let mode: McpMisbehaviour | null = null;

  const addExtra = (server: McpServer, t: { name: string; description: string }) =>
    server.registerTool(t.name, { description: t.description, inputSchema: { text: z.string() } }, async ({ text }) => {
      calls.push({ name: t.name, arguments: { text } });
      return { content: [{ type: 'text', text: `${t.name}: ${text}` }] };
    });

  const build = (): McpServer => {
    const server = new McpServer({ name: 'agentry-test-mcp', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
    server.registerTool(
      'lookup_customer',
      {
        description: 'Look up a customer by e-mail: name, plan and seats',
        inputSchema: { email: z.string().email() },
        outputSchema: { name: z.string(), plan: z.string(), seats: z.number() },
      },
      async ({ email }) => {
        calls.push({ name: 'lookup_customer', arguments: { email } });
        const c = CUSTOMERS[email];
        if (!c) return { content: [{ type: 'text', text: `No customer with e-mail ${email}` }], isError: true };
        return { content: [{ type: 'text', text: JSON.stringify(c) }], structuredContent: c };
      },
    );
    server.registerTool(
      'count_slowly',
      { description: 'Counts to n, reporting progress', inputSchema: { n: z.number().int().min(1).max(5) } },
      async ({ n }, ctx) => {
        calls.push({ name: 'count_slowly', arguments: { n } });
        const progressToken = ctx._meta?.progressToken;
        for (let i = 1; i <= n; i++) {
          if (progressToken !== undefined) {
            await ctx.sendNotification({
              method: 'notifications/progress',
              params: { progressToken, progress: i, total: n, message: `counted ${i}` },
            });
          }
          await new Promise((r) => setTimeout(r, 30));
        }
        return { content: [{ type: 'text', text: `counted to ${n}` }] };
      },
    );
    for (const t of extra) addExtra(server, t);
    servers.push(server);
    return server;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    if ((req.url ?? '').split('?')[0] !== '/mcp') return void res.writeHead(404).end();
    if (req.headers.authorization !== `Bearer ${token}` || revoked)
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
    if (mode && 'redirect' in mode) return void res.writeHead(307, { location: mode.redirect }).end();
    if (mode && 'oversized' in mode && (body as { method?: string } | undefined)?.method === 'tools/call') return oversized(res, mode);
    const sessionId = req.headers['mcp-session-id'] as string | undefined;
    let transport = sessionId ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (req.method !== 'POST' || !isInitializeRequest(body)) {
        return void res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"jsonrpc":"2.0","error":{"code":-32000,"message":"No session"},"id":null}');
      }
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void transports.set(id, created),
      });
      created.onclose = () => {
        if (created.sessionId) transports.delete(created.sessionId);
      };
      await build().connect(created);
      transport = created;
    }
    if ((body as { method?: string } | undefined)?.method === 'tools/list') toolListings.push(transport.sessionId ?? '');
    await transport.handleRequest(req, res, body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      handle(req, res, body).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    token,
    calls,
    toolListings,
    revoke: (on = true) => void (revoked = on),
    misbehave: (m) => void (mode = m),
    addTool(name, description, { notify = true } = {}) {
      const t = { name, description };
      extra.push(t);
      for (const s of servers) {
        if (!s.isConnected()) continue;
        const send = s.sendToolListChanged;
        if (!notify) s.sendToolListChanged = () => undefined;
        try {
          addExtra(s, t);
        } finally {
          s.sendToolListChanged = send;
        }
      }
    },
    async close() {
      await Promise.all([...transports.values()].map((t) => t.close().catch(() => undefined)));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes `bytes` of body in 64 KiB pieces, stopping early when the client goes away. */
async function oversized(res: ServerResponse, mode: { oversized: 'json' | 'sse'; bytes: number }): Promise<void> {
  const sse = mode.oversized === 'sse';
  res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/json' });
  res.write(sse ? 'event: message\ndata: ' : '{"jsonrpc":"2.0","id":1,"result":{"padding":"');
  const piece = 'x'.repeat(64 * 1024);
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done).off('close', done);
        resolve();
      };
      res.on('drain', done).on('close', done);
    });
  for (let sent = 0; sent < mode.bytes && !res.destroyed; sent += piece.length) {
    if (!res.write(piece)) await drained();
  }
  res.end(sse ? '' : '"}}');
}
