import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type FakeHandler = (req: FakeRequest, res: ServerResponse, hit: number) => void | Promise<void>;

/**
 * A programmable HTTP server on 127.0.0.1 for `http` steps: routes by path, counts hits, records
 * requests, and can hang a request until the client goes away (for cancel and timeout tests).
 */
export class FakeHttp {
  readonly requests: FakeRequest[] = [];
  private readonly routes = new Map<string, FakeHandler>();
  private readonly hits = new Map<string, number>();
  private readonly hanging = new Set<ServerResponse>();
  private readonly held = new Map<string, (() => void)[]>();
  private readonly maxHeld = new Map<string, number>();
  private server!: Server;
  url = '';

  static async start(): Promise<FakeHttp> {
    const fake = new FakeHttp();
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  on(path: string, handler: FakeHandler): this {
    this.routes.set(path, handler);
    return this;
  }

  /** Answers JSON with this status. */
  json(path: string, status: number, body: unknown): this {
    return this.on(path, (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  }

  /** Answers `statuses[hit - 1]` (the last one from then on), JSON `{ hit }`. */
  sequence(path: string, statuses: number[]): this {
    return this.on(path, (_req, res, hit) => {
      res.writeHead(statuses[Math.min(hit, statuses.length) - 1], { 'content-type': 'application/json' });
      res.end(JSON.stringify({ hit }));
    });
  }

  /** Never answers; the request stays open until the client aborts it. */
  hang(path: string): this {
    return this.on(path, (_req, res) => {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
    });
  }

  /** Holds requests open until release(path); each then gets 200 `{ hit }`. Tracks the most held at once. */
  hold(path: string): this {
    return this.on(path, (_req, res, hit) => {
      const list = this.held.get(path) ?? [];
      list.push(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ hit }));
      });
      this.held.set(path, list);
      this.maxHeld.set(path, Math.max(this.maxHeld.get(path) ?? 0, list.length));
    });
  }

  release(path: string): void {
    const list = this.held.get(path) ?? [];
    this.held.set(path, []);
    for (const answer of list) answer();
  }

  /** Requests held on a path right now / at most at any time. */
  heldCount(path: string): number {
    return this.held.get(path)?.length ?? 0;
  }
  maxHeldCount(path: string): number {
    return this.maxHeld.get(path) ?? 0;
  }

  hitCount(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  /** Requests whose connection is still open (a hung request the client has not aborted). */
  openCount(): number {
    return this.hanging.size;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? '/').split('?')[0];
    const hit = (this.hits.get(path) ?? 0) + 1;
    this.hits.set(path, hit);
    const request = { method: req.method ?? 'GET', path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    this.requests.push(request);
    const handler = this.routes.get(path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'no such route' }));
      return;
    }
    await handler(request, res, hit);
  }
}
