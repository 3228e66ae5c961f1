import { ExecutionsEvents } from '@agentry/contracts';
import { startStack, TestSession, TestStack } from '@agentry/testing';
import { EventPublisher, eventually, executionData } from './support/events';
import { FakeReceiver, Responder } from './support/fake-receiver';

jest.setTimeout(120_000);

/** Circuit breakers, isolation from dead endpoints, and a crash with attempts due. */
describe('webhook delivery under failure (real services)', () => {
  let stack: TestStack;
  let events: EventPublisher;
  const receivers: FakeReceiver[] = [];
  const receiver = async (responder?: Responder) => {
    const r = await FakeReceiver.start(responder);
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    stack = await startStack({
      services: ['gateway', 'webhooks'],
      label: 'webhooks_faults',
      env: {
        AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true',
        WEBHOOKS_RETRY_SCHEDULE: '0,300ms,600ms,900ms',
        WEBHOOKS_TIMEOUT_MS: '5000',
        WEBHOOKS_BREAKER_THRESHOLD: '3',
        WEBHOOKS_BREAKER_RESET_MS: '1000',
        WEBHOOKS_DISABLE_AFTER_MS: '20000',
        WEBHOOKS_POLL_INTERVAL_MS: '100',
      },
    });
    events = await EventPublisher.connect(stack.natsUrl);
  });

  afterAll(async () => {
    await events?.close();
    await Promise.all(receivers.map((r) => r.stop()));
    await stack?.stop();
  });

  const publishRuns = async (session: TestSession, n: number) => {
    for (let i = 0; i < n; i++) {
      await events.publish(ExecutionsEvents.succeeded, events.envelope(ExecutionsEvents.succeeded, session.workspace.id, executionData()));
    }
  };
  const deliveries = async (session: TestSession, endpointId: string) =>
    (await session.get(`/v1/webhook-endpoints/${endpointId}/deliveries`, { query: { limit: 100 } })).body.data as any[];

  it('opens the breaker after consecutive failures, probes half-open, re-opens on a failed probe and closes on a good one', async () => {
    const session = await TestSession.create(stack);
    const rx = await receiver((_req, i) => (i < 5 ? { status: 500 } : { status: 200 }));
    const ep = (await session.post('/v1/webhook-endpoints', { url: rx.url(), event_types: ['*'] })).body;
    await publishRuns(session, 6);

    const all = await eventually(
      () => deliveries(session, ep.id),
      (d) => d.length === 6 && d.every((x) => x.status === 'succeeded'),
      'all six delivered',
    );
    const at = rx.requests.map((r) => r.at);
    expect(rx.requests).toHaveLength(11); // 3 to open + 1 in flight alongside + failed probe + good probe + 5 more
    // open: nothing for the reset period after the 4th failure, then ONE probe (fails), a pause again, one probe (passes)
    expect(at[4] - at[3]).toBeGreaterThanOrEqual(800);
    expect(at[5] - at[4]).toBeGreaterThanOrEqual(800);
    // while it was open the waiting deliveries used up no attempts: every attempt made is one the receiver saw
    expect(all.reduce((n, d) => n + d.attempt_count, 0)).toBe(rx.requests.length);
    expect(Math.max(...all.map((d) => d.attempt_count))).toBeLessThanOrEqual(3);
  });

  it('delivers to a healthy endpoint while 10 black-hole endpoints beside it hang', async () => {
    const session = await TestSession.create(stack);
    const healthy = await receiver();
    const holes = await Promise.all(Array.from({ length: 10 }, () => receiver(() => ({ hang: true }))));
    for (const h of holes) await session.post('/v1/webhook-endpoints', { url: h.url(), event_types: ['*'] });
    const ok = (await session.post('/v1/webhook-endpoints', { url: healthy.url(), event_types: ['*'] })).body;
    await publishRuns(session, 20);

    await eventually(
      () => healthy.requests.length,
      (n) => n >= 20,
      'twenty deliveries to the healthy endpoint',
    );
    const delivered = await eventually(
      () => deliveries(session, ok.id),
      (d) => d.filter((x) => x.status === 'succeeded').length === 20,
      'recorded',
    );
    expect(delivered.every((d) => d.attempt_count === 1)).toBe(true);
    // the dead ones have not even timed out yet, and each holds at most two attempts in flight
    for (const h of holes) expect(h.requests.length).toBeLessThanOrEqual(2);
    expect(holes.reduce((n, h) => n + h.requests.length, 0)).toBeGreaterThanOrEqual(10);
  });

  it('loses no due attempt when the webhooks service is killed and started again', async () => {
    const session = await TestSession.create(stack);
    let up = false;
    const rx = await receiver(() => (up ? { status: 200 } : { status: 503, headers: { 'retry-after': '3' } }));
    const ep = (await session.post('/v1/webhook-endpoints', { url: rx.url(), event_types: ['*'] })).body;
    await publishRuns(session, 3);
    await eventually(
      () => deliveries(session, ep.id),
      (d) => d.length === 3 && d.every((x) => x.status === 'pending' && x.attempt_count === 1),
      'three deliveries with a retry due',
    );
    await stack.killService('webhooks', 'SIGKILL');
    up = true;
    await stack.startService('webhooks');
    const done = await eventually(
      () => deliveries(session, ep.id),
      (d) => d.every((x) => x.status === 'succeeded'),
      'all three delivered after the restart',
    );
    expect(done.map((d) => d.attempt_count)).toEqual([2, 2, 2]);
    expect(new Set(rx.requests.map((r) => r.headers['webhook-id'])).size).toBe(3);
  });

  it("keeps to an endpoint's rate limit", async () => {
    const session = await TestSession.create(stack);
    const rx = await receiver();
    const ep = (await session.post('/v1/webhook-endpoints', { url: rx.url(), event_types: ['*'], rate_limit_per_second: 4 })).body;
    await publishRuns(session, 12);
    await eventually(
      () => deliveries(session, ep.id),
      (d) => d.length === 12 && d.every((x) => x.status === 'succeeded'),
      'all twelve delivered',
    );
    const at = rx.requests.map((r) => r.at).sort((a, b) => a - b);
    // a bucket of one second's worth (4), then 4 a second: 12 take at least two seconds
    expect(at[11] - at[0]).toBeGreaterThanOrEqual(1800);
    for (let i = 0; i + 5 < at.length; i++) expect(at[i + 5] - at[i]).toBeGreaterThanOrEqual(200);
  });

  it('lets an attempt in flight finish on a graceful stop, and records it', async () => {
    const session = await TestSession.create(stack);
    const rx = await receiver(() => ({ status: 200, body: 'slow but fine', delayMs: 1_000 }));
    const ep = (await session.post('/v1/webhook-endpoints', { url: rx.url(), event_types: ['*'] })).body;
    await publishRuns(session, 1);
    await eventually(
      () => rx.requests.length,
      (n) => n === 1,
      'the attempt to start',
    );
    await stack.stopService('webhooks');
    await stack.startService('webhooks');
    const [d] = await eventually(
      () => deliveries(session, ep.id),
      (x) => x[0]?.status === 'succeeded',
      'the delivery recorded',
    );
    expect(d.attempt_count).toBe(1);
    expect(rx.requests).toHaveLength(1);
  });
});
