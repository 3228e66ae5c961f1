import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Exactly the bytes received. */
  raw: Buffer;
  body: any;
  at: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (a black hole): the sender has to time out. */
  hang?: boolean;
  delayMs?: number;
}

export type Responder = (req: ReceivedRequest, index: number) => Reply;

/** A real HTTP receiver on 127.0.0.1 that records every request and answers as the test says. */
export class FakeReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly waiting = new Set<ServerResponse>();
  private respond: Responder = () => ({ status: 200, body: 'ok' });

  private constructor(private readonly server: Server) {}

  static async start(responder?: Responder): Promise<FakeReceiver> {
    const server = createServer({ keepAlive: true, keepAliveTimeout: 60_000 });
    const receiver = new FakeReceiver(server);
    if (responder) receiver.respond = responder;
    server.on('connection', (s) => {
      receiver.sockets.add(s);
      s.on('close', () => receiver.sockets.delete(s));
    });
    server.on('request', (req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The same receiver under the name `localhost` (resolves to 127.0.0.1). */
  localhostUrl(path = '/hook'): string {
    return `http://localhost:${this.port}${path}`;
  }

  setResponder(responder: Responder): void {
    this.respond = responder;
  }

  byMessage(id: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.headers['webhook-id'] === id);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = undefined;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
      const received: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers, raw, body, at: Date.now() };
      const index = this.requests.push(received) - 1;
      const reply = this.respond(received, index);
      if (reply.hang) {
        this.waiting.add(res);
        return;
      }
      const send = () => {
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
