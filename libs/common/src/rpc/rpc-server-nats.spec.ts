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
