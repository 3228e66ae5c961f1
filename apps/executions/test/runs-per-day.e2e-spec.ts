import { PLAN_LIMITS } from '@agentry/contracts';
import { agentFactory, agentInputFactory, ApiClient, ApiResponse, sharedStack, StackInfo, TestSession, waitFor } from '@agentry/testing';
import { Client } from 'pg';
import { createAgent } from './support/runs';

const ENVELOPE = { error: { code: expect.any(String), message: expect.any(String), request_id: expect.stringMatching(/^req_/) } };

/**
 * The plan's runs per day count every run, whatever started it: an API call, an inbound hook (which has
 * no API key, so the gateway looks the plan up) or a schedule (which forwards the plan it stored).
 * Spending a free plan's 1,000 runs takes too long for a test, so the quota row of the day is pre-spent
 * to leave a few, as another replica leasing them would have.
 */
describe('runs per day across triggers (HTTP through the gateway, real services)', () => {
  let stack: StackInfo;
  let anonymous: ApiClient;

  beforeAll(async () => {
    stack = sharedStack();
    anonymous = new ApiClient(stack.gatewayUrl);
    // The quota's day is the UTC date: do not straddle midnight.
    const toMidnight = 86_400_000 - (Date.now() % 86_400_000);
    if (toMidnight < 20_000) await new Promise((r) => setTimeout(r, toMidnight + 500));
  });

  async function query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      return (await db.query(sql, params)).rows as T[];
    } finally {
      await db.end();
    }
  }

  /** Leaves `left` runs of today's free-plan quota to a workspace that has not started any run yet. */
  async function spendQuota(workspaceId: string, left: number): Promise<void> {
    const granted = PLAN_LIMITS.free.runs_per_day - left;
    await query(
      `INSERT INTO executions.run_quotas (workspace_id, day, granted, last_grant) VALUES ($1, $2, $3, 0)
       ON CONFLICT (workspace_id, day) DO UPDATE SET granted = excluded.granted`,
      [workspaceId, new Date().toISOString().slice(0, 10), granted],
    );
  }

  const runsIn = async (workspaceId: string) =>
    Number((await query<{ n: string }>(`SELECT count(*) AS n FROM executions.executions WHERE workspace_id = $1`, [workspaceId]))[0].n);

  async function hookOf(session: TestSession, agentId: string) {
    const res = await session.get(`/v1/agents/${agentId}/hook`);
    expect(res.status).toBe(200);
    return { path: new URL(res.body.url).pathname, key: res.body.key as string };
  }

  function expectQuotaExceeded(res: ApiResponse) {
    expect(res.status).toBe(429);
    expect(res.body).toEqual(ENVELOPE);
    expect(res.body.error.code).toBe('QUOTA_EXCEEDED');
    expect(res.body.error.message).toMatch(/1000 runs per day/);
    const toMidnight = Math.ceil((86_400_000 - (Date.now() % 86_400_000)) / 1000);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(toMidnight - 30);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(toMidnight + 1);
  }

  it('counts hook-triggered runs: past the quota a hook call is 429 QUOTA_EXCEEDED, and no run is inserted', async () => {
    const session = await TestSession.create(stack, { plan: 'free' });
    const agent = await createAgent(session.client, agentFactory());
    const hook = await hookOf(session, agent.id);
    await spendQuota(session.workspace.id, 2);
    const call = (headers: Record<string, string> = {}) =>
      anonymous.post(hook.path, agentInputFactory(), { headers: { 'X-API-Key': hook.key, ...headers } });

    const first = await call({ 'Idempotency-Key': 'delivery-1' });
    const second = await call();
    const refused = await call();
    const replay = await call({ 'Idempotency-Key': 'delivery-1' });

    expect([first.status, second.status]).toEqual([202, 202]);
    expectQuotaExceeded(refused);
    // Authenticated by its hook key, the call carries the workspace's request rate like an API call.
    expect(refused.headers['x-ratelimit-limit']).toBe(String(PLAN_LIMITS.free.requests_per_minute));
    expect(Number(refused.headers['x-ratelimit-remaining'])).toBeGreaterThan(0);
    expect(Number(refused.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    // A repeated delivery is not a new run: it still gets the first one.
    expect(replay.status).toBe(202);
    expect(replay.body.execution_id).toBe(first.body.execution_id);
    expect(await runsIn(session.workspace.id)).toBe(2);
    const listed = await session.get('/v1/executions', { query: { trigger_type: 'hook' } });
    expect(listed.body.data.map((e: { id: string }) => e.id).sort()).toEqual([first.body.execution_id, second.body.execution_id].sort());
  });

  it('shares one quota between hooks and API calls, and answers an API run past it the same way', async () => {
    const session = await TestSession.create(stack, { plan: 'free' });
    const agent = await createAgent(session.client, agentFactory());
    const hook = await hookOf(session, agent.id);
    await spendQuota(session.workspace.id, 1);

    const byApi = await session.post(`/v1/agents/${agent.id}/runs`, { input: agentInputFactory(), async: true });
    const byHook = await anonymous.post(hook.path, agentInputFactory(), { headers: { 'X-API-Key': hook.key } });
    const apiAgain = await session.post(`/v1/agents/${agent.id}/runs`, { input: agentInputFactory(), async: true });

    expect(byApi.status).toBe(202);
    expectQuotaExceeded(byHook);
    expectQuotaExceeded(apiAgain);
    expect(apiAgain.headers['x-ratelimit-limit']).toBe(String(PLAN_LIMITS.free.requests_per_minute));
    expect(await runsIn(session.workspace.id)).toBe(1);
  });

  it("counts hook calls against the workspace's requests per minute, but not calls that fail to authenticate", async () => {
    const admin = new ApiClient(stack.gatewayUrl, stack.adminKey);
    const ws = await admin.post('/v1/workspaces', { name: 'hook-rate', plan: 'free', requests_per_minute: 5 });
    expect(ws.status).toBe(201);
    const client = admin.withKey(ws.body.api_key.key);
    // windows are whole minutes: start well inside one so the budget cannot refill mid-test
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
    const agent = await createAgent(client, agentFactory()); // 1 of 5
    const hookRes = await client.get(`/v1/agents/${agent.id}/hook`); // 2 of 5
    const path = new URL(hookRes.body.url).pathname;

    const wrong = await anonymous.post(path, agentInputFactory(), { headers: { 'X-API-Key': 'hk_wrong' } });
    const statuses: number[] = [];
    const remaining: (string | undefined)[] = [];
    let last: ApiResponse | undefined;
    for (let i = 0; i < 4; i++) {
      last = await anonymous.post(path, agentInputFactory(), { headers: { 'X-API-Key': hookRes.body.key } });
      statuses.push(last.status);
      remaining.push(last.headers['x-ratelimit-remaining']);
    }

    expect(wrong.status).toBe(401);
    expect(wrong.headers['x-ratelimit-limit']).toBeUndefined();
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect(remaining).toEqual(['2', '1', '0', '0']);
    expect(last!.body.error.code).toBe('RATE_LIMITED');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(last!.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('counts schedule-triggered runs: a fire past the quota fails with QUOTA_EXCEEDED and starts no run', async () => {
    const session = await TestSession.create(stack, { plan: 'free' });
    const agent = await createAgent(session.client, agentFactory());
    await spendQuota(session.workspace.id, 0);
    const created = await session.post('/v1/schedules', {
      agent_id: agent.id,
      cron: '* * * * * *',
      overlap_policy: 'allow',
      input: agentInputFactory(),
    });
    expect(created.status).toBe(201);
    const scheduleId = created.body.id as string;

    let failed: { state: string; error: { code: string } | null } | undefined;
    const fired = await waitFor(
      async () => {
        const fires = (await session.get(`/v1/schedules/${scheduleId}/fires`)).body.data as NonNullable<typeof failed>[];
        failed = fires.find((f) => f.state === 'failed');
        return !!failed;
      },
      30_000,
      200,
    );
    await session.post(`/v1/schedules/${scheduleId}/pause`);
    const runNow = await session.post(`/v1/schedules/${scheduleId}/run`, {});

    expect(fired).toBe(true);
    expect(failed!.error).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expectQuotaExceeded(runNow);
    expect(await runsIn(session.workspace.id)).toBe(0);
  }, 60_000);
});
