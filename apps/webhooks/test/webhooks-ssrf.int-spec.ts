import { startStack, TestSession, TestStack } from '@agentry/testing';
import { HttpSender } from '../src/delivery/http-sender';
import { FakeReceiver } from './support/fake-receiver';

jest.setTimeout(90_000);

/** Without AGENTRY_ALLOW_PRIVATE_NETWORKS, nothing reaches loopback, private or link-local addresses. */
describe('outbound address guard for webhooks', () => {
  let stack: TestStack;
  let rx: FakeReceiver;

  beforeAll(async () => {
    [stack, rx] = await Promise.all([startStack({ services: ['gateway', 'webhooks'], label: 'webhooks_ssrf' }), FakeReceiver.start()]);
  });

  afterAll(async () => {
    await rx?.stop();
    await stack?.stop();
  });

  it.each([
    ['a loopback literal', (r: FakeReceiver) => r.url()],
    ['a name that resolves to 127.0.0.1', (r: FakeReceiver) => r.localhostUrl()],
    ['IPv6 loopback', (r: FakeReceiver) => `http://[::1]:${r.port}/hook`],
    ['cloud metadata (link-local)', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private network', () => 'https://10.1.2.3/hook'],
    ['IPv4-mapped IPv6 loopback', () => 'http://[::ffff:127.0.0.1]/hook'],
  ])('refuses %s when an endpoint is created or moved there', async (_what, url) => {
    const session = await TestSession.create(stack);
    const created = await session.post('/v1/webhook-endpoints', { url: url(rx), event_types: ['*'] });
    expect(created.status).toBe(400);
    expect(created.body.error.details).toEqual([{ field: 'url', reason: expect.stringMatching(/private, loopback or link-local/) }]);

    const ok = await session.post('/v1/webhook-endpoints', { url: 'https://93.184.215.14/hook', event_types: ['*'] });
    expect(ok.status).toBe(201);
    const moved = await session.patch(`/v1/webhook-endpoints/${ok.body.id}`, { url: url(rx) });
    expect(moved.status).toBe(400);
  });

  it('checks the address actually connected to at every attempt (a name resolving to loopback is refused at connect time)', async () => {
    const sender = new HttpSender({ allowPrivateNetworks: false }, { timeoutMs: 2_000, connectionsPerOrigin: 2 });
    try {
      const viaName = await sender.post(rx.localhostUrl(), { 'content-type': 'application/json' }, Buffer.from('{}'));
      expect(viaName).toMatchObject({ kind: 'blocked', statusCode: null, error: expect.stringMatching(/Refused to connect to localhost/) });
      const literal = await sender.post(rx.url(), {}, Buffer.from('{}'));
      expect(literal.kind).toBe('blocked');
      expect(rx.requests).toHaveLength(0);
    } finally {
      await sender.close();
    }
    const allowed = new HttpSender({ allowPrivateNetworks: true }, { timeoutMs: 2_000, connectionsPerOrigin: 2 });
    try {
      expect((await allowed.post(rx.localhostUrl(), {}, Buffer.from('{}'))).kind).toBe('succeeded');
      expect(rx.requests).toHaveLength(1);
    } finally {
      await allowed.close();
    }
  });
});
