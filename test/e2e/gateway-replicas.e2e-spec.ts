import { ApiClient, startStack, TestStack } from '@agentry/testing';

/** Two gateway processes share one database and NATS, as replicas behind a load balancer would. */
describe('gateway replicas share rate limits (private stack)', () => {
  let stack: TestStack;
  let replicas: ApiClient[];
  const admin = () => new ApiClient(stack.gatewayUrl, stack.adminKey);

  beforeAll(async () => {
    stack = await startStack({ services: ['gateway', 'gateway#2', 'agents'], label: 'gw_replicas' });
    replicas = [stack.serviceUrl('gateway'), stack.serviceUrl('gateway#2')].map((url) => new ApiClient(url));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function workspaceKey(requestsPerMinute: number): Promise<string> {
    const res = await admin().post('/v1/workspaces', {
      name: `rl-${requestsPerMinute}`,
      plan: 'free',
      requests_per_minute: requestsPerMinute,
    });
    expect(res.status).toBe(201);
    return res.body.api_key.key;
  }

  async function waitInsideMinute(): Promise<void> {
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
  }

  it('counts one budget across both replicas: the 11th request of a 10/min key is refused on either', async () => {
    const key = await workspaceKey(10);
    await waitInsideMinute();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await replicas[i % 2].withKey(key).get('/v1/agents')).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429, 429, 429, 429]);
  });

  it('never lets more requests through than the limit when both replicas hold leased shares', async () => {
    const key = await workspaceKey(200);
    await waitInsideMinute();
    const results = await Promise.all(
      Array.from({ length: 260 }, (_, i) =>
        replicas[i % 2]
          .withKey(key)
          .get('/v1/agents')
          .then((r) => r.status),
      ),
    );
    const ok = results.filter((s) => s === 200).length;
    expect(results.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    // each replica may hold at most one unspent share (2% of the limit) when the budget runs out
    expect(ok).toBeLessThanOrEqual(200);
    expect(ok).toBeGreaterThanOrEqual(200 - 2 * 4);
  });
});
