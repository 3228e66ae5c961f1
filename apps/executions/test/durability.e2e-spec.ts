import { ApiClient, ServiceReplica, startReplica, startStack, TestSession, TestStack, waitFor } from '@agentry/testing';
import { FakeHttp } from './support/fake-http';
import { createAgent, getExecution, startAsync, stepsAgent, waitForExecution } from './support/runs';

/** Short claims and a fast poll, so a dead worker's runs are taken over within seconds. */
const ENGINE_ENV = { AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true', CLAIM_TTL_MS: '3000', POLL_INTERVAL_MS: '200', SHUTDOWN_GRACE_MS: '2000' };

async function runsFinished(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('agentry_executions_runs_finished_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

describe('durable execution (a private stack whose executions process is killed)', () => {
  let stack: TestStack;
  let session: TestSession;
  let fake: FakeHttp;

  beforeAll(async () => {
    [stack, fake] = await Promise.all([
      startStack({ services: ['gateway', 'agents', 'executions'], label: 'durability', perServiceEnv: { executions: ENGINE_ENV } }),
      FakeHttp.start(),
    ]);
    session = await TestSession.create(stack);
  });

  afterAll(async () => {
    await fake?.stop();
    await stack?.stop();
  });

  const post = (path: string) => ({
    id: path.slice(1).replace(/-/g, '_'),
    type: 'http' as const,
    with: { method: 'POST', url: `${fake.url}${path}`, body: { run: '{{ run.id }}' } },
  });
  const hitsOf = (path: string, runId: string) => fake.requests.filter((r) => r.path === path && JSON.parse(r.body).run === runId).length;

  it('resumes a run after SIGKILL during a durable delay, without running its committed step again', async () => {
    const agent = await createAgent(
      session.client,
      stepsAgent([post('/k1-first'), { id: 'nap', type: 'delay', with: { ms: 1_000 } }, post('/k1-last')]),
    );
    fake.json('/k1-first', 200, { ok: true }).json('/k1-last', 200, { ok: true });
    const id = await startAsync(session.client, agent.id);
    await waitForExecution(session.client, id, (e) => e.status === 'waiting');

    await stack.killService('executions', 'SIGKILL');
    await stack.startService('executions');

    const done = await waitForExecution(session.client, id);
    expect(done.status).toBe('succeeded');
    expect(done.steps.map((s) => [s.step_id, s.status, s.attempts.length])).toEqual([
      ['k1_first', 'succeeded', 1],
      ['nap', 'succeeded', 1],
      ['k1_last', 'succeeded', 1],
    ]);
    expect(hitsOf('/k1-first', id)).toBe(1);
    expect(hitsOf('/k1-last', id)).toBe(1);
  });

  it('takes over a run whose worker died mid-step once the claim expires: the step in flight runs again, committed ones do not', async () => {
    fake.json('/k2-first', 200, { ok: true }).hold('/k2-hang').json('/k2-last', 200, { ok: true });
    const agent = await createAgent(session.client, stepsAgent([post('/k2-first'), post('/k2-hang'), post('/k2-last')]));
    const id = await startAsync(session.client, agent.id);
    await waitFor(async () => fake.heldCount('/k2-hang') === 1, 10_000);

    await stack.killService('executions', 'SIGKILL');
    fake.release('/k2-hang'); // the answer goes nowhere: its worker is dead
    const releaser = setInterval(() => fake.release('/k2-hang'), 100);
    try {
      await stack.startService('executions');
      const done = await waitForExecution(session.client, id);
      expect(done.status).toBe('succeeded');
      expect(done.steps.map((s) => [s.step_id, s.attempts.length])).toEqual([
        ['k2_first', 1],
        ['k2_hang', 1],
        ['k2_last', 1],
      ]);
    } finally {
      clearInterval(releaser);
    }
    expect(hitsOf('/k2-first', id)).toBe(1);
    expect(hitsOf('/k2-hang', id)).toBe(2);
    expect(hitsOf('/k2-last', id)).toBe(1);
    const logs = (await session.get(`/v1/executions/${id}/logs`)).body.data.map((l: { message: string }) => l.message);
    expect(logs).toContain('Run resumed');
  });

  it('answers a sync caller whose run a graceful stop hands back with 202 and the run, not at its wait timeout; the run ends once after restart', async () => {
    fake.json('/g-first', 200, { ok: true }).hold('/g-hang').json('/g-last', 200, { ok: true });
    const agent = await createAgent(session.client, stepsAgent([post('/g-first'), post('/g-hang'), post('/g-last')]));
    // The caller would wait up to five minutes: past this test's own timeout, so only an answer at the stop passes.
    const answer = session.client.post(`/v1/agents/${agent.id}/runs`, { input: {}, wait_timeout_ms: 300_000 });
    expect(await waitFor(async () => fake.heldCount('/g-hang') === 1, 10_000)).toBe(true);

    const stopped = stack.stopService('executions');
    const res = await answer;
    await stopped;

    expect(res.status).toBe(202);
    const id = res.body.execution_id;
    expect(id).toMatch(/^exe_/);
    expect(['queued', 'running']).toContain(res.body.status);

    const releaser = setInterval(() => fake.release('/g-hang'), 100);
    try {
      await stack.startService('executions');
      const done = await waitForExecution(session.client, id);
      expect(done.status).toBe('succeeded');
      expect(done.steps.map((s) => [s.step_id, s.status])).toEqual([
        ['g_first', 'succeeded'],
        ['g_hang', 'succeeded'],
        ['g_last', 'succeeded'],
      ]);
    } finally {
      clearInterval(releaser);
    }
    expect(hitsOf('/g-first', id)).toBe(1);
    expect(hitsOf('/g-last', id)).toBe(1);
  });

  describe('with two executions replicas', () => {
    let second: ServiceReplica;

    beforeAll(async () => {
      second = await startReplica(stack, 'executions', ENGINE_ENV);
    });

    afterAll(async () => {
      await second?.stop();
    });

    it('shares the runs between the replicas, never runs a step twice, and the survivor finishes the runs of a replica that dies', async () => {
      fake.json('/r-a', 200, { ok: true }).json('/r-b', 200, { ok: true });
      const agent = await createAgent(
        session.client,
        stepsAgent([post('/r-a'), { id: 'nap', type: 'delay', with: { ms: 1_500 } }, post('/r-b')]),
      );
      const client = new ApiClient(stack.gatewayUrl, session.admin.key);

      const ids = await Promise.all(Array.from({ length: 30 }, () => startAsync(client, agent.id)));
      await waitFor(
        async () => (await Promise.all(ids.map((id) => getExecution(client, id)))).every((e) => e.status === 'waiting'),
        15_000,
        100,
      );
      const startedBySecond = Number(
        (await (await fetch(`${second.url}/metrics`)).text()).match(/^agentry_executions_runs_started_total (\d+)/m)?.[1] ?? 0,
      );
      expect(startedBySecond).toBeGreaterThan(0);

      await second.kill('SIGKILL');

      for (const id of ids) expect((await waitForExecution(client, id)).status).toBe('succeeded');
      for (const id of ids) {
        expect({ id, a: hitsOf('/r-a', id), b: hitsOf('/r-b', id) }).toEqual({ id, a: 1, b: 1 });
      }
    });

    it('runs every run exactly once when both replicas claim due work at the same moment', async () => {
      const third = await startReplica(stack, 'executions', ENGINE_ENV);
      try {
        fake.json('/s-a', 200, { ok: true });
        const agent = await createAgent(session.client, stepsAgent([{ id: 'nap', type: 'delay', with: { ms: 800 } }, post('/s-a')]));
        const ids = await Promise.all(Array.from({ length: 40 }, () => startAsync(session.client, agent.id)));
        for (const id of ids) expect((await waitForExecution(session.client, id)).status).toBe('succeeded');
        for (const id of ids) expect({ id, hits: hitsOf('/s-a', id) }).toEqual({ id, hits: 1 });
        expect((await runsFinished(third.url)) + (await runsFinished(stack.serviceUrl('executions')))).toBeGreaterThanOrEqual(40);
        expect(await runsFinished(third.url)).toBeGreaterThan(0);
      } finally {
        await third.stop();
      }
    });
  });
});
