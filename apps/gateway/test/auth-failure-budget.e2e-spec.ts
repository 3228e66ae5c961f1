import { ApiClient, startStack, TestStack } from '@agentry/testing';
import { randomBytes } from 'node:crypto';

/**
 * Security review M2 + L1 over HTTP, on a private gateway (its failures must not spend the shared
 * stack's budget for 127.0.0.1). GATEWAY_TRUST_PROXY=loopback: the tests speak from 127.0.0.1 as a
 * proxy would, and X-Forwarded-For picks the client address.
 */
describe('failed-auth budget per client address (private gateway)', () => {
  let stack: TestStack;
  const from = (address: string, key: string | undefined) =>
    new ApiClient(stack.gatewayUrl, key).withHeaders({ 'x-forwarded-for': address });
  const randomKey = () => `agk_${randomBytes(30).toString('base64url')}`;

  beforeAll(async () => {
    stack = await startStack({
      services: ['gateway', 'agents'],
      label: 'gw_authfail',
      perServiceEnv: { gateway: { GATEWAY_TRUST_PROXY: 'loopback', AUTH_FAILURES_PER_MINUTE: '30' } },
    });
    // Every request of a test must fall in one minute window.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 429 with the envelope and Retry-After after 30 failures; a key this gateway knows still works', async () => {
    const client = '203.0.113.7';
    expect((await from(client, stack.adminKey).get('/v1/api-keys')).status).toBe(200);
    const created = await from('203.0.113.99', stack.adminKey).post('/v1/api-keys', { name: 'fresh', scopes: ['admin'] });
    expect(created.status).toBe(201);

    const failures: number[] = [];
    for (let i = 0; i < 30; i++) failures.push((await from(client, randomKey()).get('/v1/api-keys')).status);
    const refused = await from(client, randomKey()).get('/v1/api-keys');

    expect(failures).toEqual(Array(30).fill(401));
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/^Too many failed authentications from this address; try again in \d+ s$/),
        request_id: expect.any(String),
      },
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Without a header too: the budget is spent, whatever the next attempt looks like.
    expect((await from(client, undefined).get('/v1/api-keys')).status).toBe(429);

    // The admin key was seen valid: not a guess, so no refusal.
    expect((await from(client, stack.adminKey).get('/v1/api-keys')).status).toBe(200);
    // A valid key this gateway has not seen yet would need a database read: refused until the window ends...
    expect((await from(client, created.body.key).get('/v1/api-keys')).status).toBe(429);
    // ...unless another address has used it meanwhile.
    expect((await from('203.0.113.99', created.body.key).get('/v1/api-keys')).status).toBe(200);
    expect((await from(client, created.body.key).get('/v1/api-keys')).status).toBe(200);
  });

  it('counts per address: another client, or another /64 in IPv6, still gets 401', async () => {
    expect((await from('203.0.113.8', randomKey()).get('/v1/api-keys')).status).toBe(401);

    const ipv6: number[] = [];
    for (let i = 0; i < 31; i++) ipv6.push((await from(`2001:db8:1:2::${i.toString(16)}`, randomKey()).get('/v1/api-keys')).status);
    expect(ipv6).toEqual([...Array(30).fill(401), 429]);
    expect((await from('2001:db8:1:3::1', randomKey()).get('/v1/api-keys')).status).toBe(401);
  });

  it('spends the same budget on guessed inbound hooks: unknown hook ids answer 404 until the address is refused', async () => {
    const client = '203.0.113.21';
    // Well-formed ids the agents service does not know (each costs it a lookup), and malformed ones.
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    let n = 0;
    const hookId = () =>
      n++ % 2 === 0 ? `hook_${Array.from(randomBytes(26), (b) => alphabet[b % 32]).join('')}` : `hk_${randomBytes(8).toString('hex')}`;
    const guesses: number[] = [];
    for (let i = 0; i < 30; i++) guesses.push((await from(client, undefined).post(`/v1/hooks/${hookId()}`, { lead: i })).status);
    const refused = await from(client, undefined).post(`/v1/hooks/${hookId()}`, { lead: 'next' });

    expect(guesses).toEqual(Array(30).fill(404));
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // API keys from the same address are refused too: one budget per address.
    expect((await from(client, randomKey()).get('/v1/api-keys')).status).toBe(429);
    // Another address is not.
    expect((await from('203.0.113.22', undefined).post(`/v1/hooks/${hookId()}`, {})).status).toBe(404);
  });
});
