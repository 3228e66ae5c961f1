import { OutboundError } from '@agentry/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { guardedFetch } from './mcp-fetch';

const ALLOW = { allowPrivateNetworks: true };
const LIMIT = 64 * 1024;

describe(guardedFetch.name, () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];
  let handler: (req: IncomingMessage, res: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => void (hits.length = 0));

  const sut = (violations: OutboundError[] = []) =>
    guardedFetch(ALLOW, { maxResponseBytes: LIMIT, onViolation: (e) => violations.push(e) });

  it('passes a normal answer through, body, status and headers', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's1' }).end('{"ok":true}');

    const res = await sut()(`${base}/mcp`, { method: 'POST', body: '{}' });

    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-session-id')).toBe('s1');
    expect(await res.json()).toEqual({ ok: true });
  });

  it.each([301, 302, 307, 308])('refuses a %i redirect, even within the origin, without following it', async (status) => {
    handler = (req, res) =>
      req.url === '/mcp' ? res.writeHead(status, { location: '/elsewhere?token=secret' }).end() : res.writeHead(200).end('{}');
    const violations: OutboundError[] = [];

    const err = await sut(violations)(`${base}/mcp`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(OutboundError);
    expect(err).toMatchObject({ kind: 'redirect', message: expect.stringContaining(`answered HTTP ${status} (a redirect to 127.0.0.1`) });
    expect((err as Error).message).not.toContain('secret');
    expect(violations).toEqual([err]);
    expect(hits).toEqual(['POST /mcp']);
  });

  it('refuses a body whose declared length is over the cap before reading it', async () => {
    handler = (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(LIMIT + 1) }).end('x'.repeat(LIMIT + 1));

    await expect(sut()(`${base}/mcp`, { method: 'POST' })).rejects.toMatchObject({ kind: 'too_large' });
  });

  it('errors a chunked body once it passes the cap, and tells the session', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write('x'.repeat(8 * 1024)), 1);
      res.on('close', () => clearInterval(timer));
    };
    const violations: OutboundError[] = [];

    const res = await sut(violations)(`${base}/mcp`, { method: 'POST' });
    const err = await res.text().catch((e: unknown) => e);

    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      kind: 'too_large',
      message: `The response from the MCP server at ${base.slice(7)} is larger than ${LIMIT} bytes`,
    });
    expect(err).toBe(violations[0]);
  });

  it('caps each event of the long-lived GET stream, not the stream as a whole', async () => {
    const event = `data: ${'y'.repeat(1024)}\r\n\r\n`;
    handler = (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end(event.repeat(Math.ceil((2 * LIMIT) / event.length)));

    const many = await sut()(`${base}/mcp`, { method: 'GET' });
    expect((await many.text()).length).toBeGreaterThan(2 * LIMIT);

    handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`data: ${'z'.repeat(LIMIT + 10)}\n\n`);
    const one = await sut()(`${base}/mcp`, { method: 'GET' });
    await expect(one.text()).rejects.toMatchObject({ kind: 'too_large' });
  });

  it('still refuses a private address without the operator allowing it', async () => {
    const denied = guardedFetch({ allowPrivateNetworks: false }, { maxResponseBytes: LIMIT });

    await expect(denied(`${base}/mcp`, { method: 'POST' })).rejects.toMatchObject({ kind: 'blocked' });
    expect(hits).toEqual([]);
  });
});
