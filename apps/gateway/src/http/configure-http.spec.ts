import Fastify from 'fastify';
import { fastifyOptions } from './configure-http';

/** The client address Fastify derives with GATEWAY_TRUST_PROXY (security review L1). */
async function clientAddress(trustProxy: string, remoteAddress: string, forwardedFor?: string): Promise<string> {
  const { trustProxy: option } = fastifyOptions({ BODY_LIMIT_BYTES: 1024, GATEWAY_TRUST_PROXY: trustProxy }) as { trustProxy: never };
  const app = Fastify({ trustProxy: option });
  app.get('/', async (req) => req.ip);
  try {
    const res = await app.inject({ url: '/', remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
    return res.body;
  } finally {
    await app.close();
  }
}

describe(fastifyOptions.name, () => {
  it('ignores X-Forwarded-For by default', async () => {
    expect(await clientAddress('false', '198.51.100.9', '203.0.113.1')).toBe('198.51.100.9');
  });

  it('believes X-Forwarded-For only from the listed proxies', async () => {
    expect(await clientAddress('10.0.0.0/8', '10.1.2.3', '203.0.113.1')).toBe('203.0.113.1');
    expect(await clientAddress('10.0.0.0/8', '198.51.100.9', '203.0.113.1')).toBe('198.51.100.9');
    // a client's own forged entry stays behind the address the proxy appended
    expect(await clientAddress('loopback,uniquelocal', '127.0.0.1', '6.6.6.6, 203.0.113.1')).toBe('203.0.113.1');
  });

  it('believes anyone with true', async () => {
    expect(await clientAddress('true', '198.51.100.9', '6.6.6.6')).toBe('6.6.6.6');
  });
});
