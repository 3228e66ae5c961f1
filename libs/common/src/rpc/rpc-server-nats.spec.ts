import { ServerNats } from '@nestjs/microservices';
import { RpcServerNats } from './rpc-server-nats';

/** Exposes the protected route lookup of either server. */
const routeOf = (server: ServerNats, pattern: string): string =>
  (server as unknown as { getRouteFromPattern(p: string): string }).getRouteFromPattern(pattern);

describe(RpcServerNats.name, () => {
  const ours = new RpcServerNats({ servers: ['nats://127.0.0.1:4222'] });
  const nests = new ServerNats({ servers: ['nats://127.0.0.1:4222'] });

  it('routes a plain subject to itself without trying it as JSON', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      expect(routeOf(ours, 'executions.start')).toBe('executions.start');
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it.each(['executions.start', 'agents.get', '{"cmd":"sum","role":"math"}', '["a","b"]', '"quoted"', '{not json', '42'])(
    'routes %s as Nest does',
    (pattern) => {
      expect(routeOf(ours, pattern)).toBe(routeOf(nests, pattern));
    },
  );
});

describe(`${RpcServerNats.name} close`, () => {
  /** A server wired to fakes of what Nest's listen() would have set: its subscriptions and its connection. */
  function wired(drainMs = 60_000) {
    const server = new RpcServerNats({ servers: ['nats://127.0.0.1:4222'] }, drainMs);
    const sub = { unsubscribe: jest.fn() };
    const order: string[] = [];
    const nc = {
      flush: jest.fn(async () => void order.push('flush')),
      close: jest.fn(async () => void order.push('close')),
    };
    Object.assign(server as object, { subscriptions: [sub], natsClient: nc });
    const request = () => {
      const msg = {
        reply: '_INBOX.x',
        respond: jest.fn(
          (data: unknown) => void order.push(`answer ${typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString()}`),
        ),
      };
      return server.getPublisher(msg as never, 'id-1', {} as never);
    };
    return { server, sub, nc, order, request };
  }
  const settled = async (p: Promise<unknown>) => {
    let done = false;
    void p.then(() => (done = true));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    return done;
  };

  it('stops taking requests, waits for the answer in hand, sends it, then closes the connection', async () => {
    const { server, sub, nc, order, request } = wired();
    const publish = request();

    const closing = server.close();
    expect(sub.unsubscribe).toHaveBeenCalledTimes(1);
    expect(await settled(closing)).toBe(false);
    expect(nc.close).not.toHaveBeenCalled();

    publish({ response: { ok: true } });
    expect(await settled(closing)).toBe(false); // the stream has not ended yet
    publish({ isDisposed: true });
    await closing;

    expect(order[0]).toContain('"ok":true');
    expect(order.slice(-2)).toEqual(['flush', 'close']);
  });

  it('counts an error answer as the end of a request', async () => {
    const { server, nc, request } = wired();
    const publish = request();
    const closing = server.close();
    publish({ err: 'boom' });
    await closing;
    expect(nc.close).toHaveBeenCalledTimes(1);
  });

  it('closes at once with nothing in hand, and after drainMs when an answer never ends', async () => {
    const idle = wired();
    await idle.server.close();
    expect(idle.nc.close).toHaveBeenCalledTimes(1);

    const stuck = wired(50);
    stuck.request();
    await stuck.server.close();
    expect(stuck.nc.close).toHaveBeenCalledTimes(1);
  });

  it('does not count a message that expects no answer', async () => {
    const { server, nc } = wired();
    server.getPublisher({ reply: undefined } as never, 'id-2', {} as never);
    await server.close();
    expect(nc.close).toHaveBeenCalledTimes(1);
  });
});
