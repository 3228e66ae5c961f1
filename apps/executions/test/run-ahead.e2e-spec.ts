import { agentFactory, agentInputFactory, sharedStack, StackInfo, TestSession, waitFor } from '@agentry/testing';
import { Client } from 'pg';
import { FakeHttp } from './support/fake-http';
import { createAgent, getExecution, startAsync, stepsAgent, waitForExecution } from './support/runs';

/**
 * A run whose steps are all pure runs ahead of its insert and is inserted finished (RunExecutor.runAhead,
 * migration StartRunsRanAhead). What it leaves behind must be what the worker would have left, and the limits
 * must still hold it back.
 */
describe('runs of pure steps, inserted finished (HTTP through the gateway, real services)', () => {
  let stack: StackInfo;
  let session: TestSession;
  let fake: FakeHttp;
  let db: Client;

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
    fake = await FakeHttp.start();
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await fake?.stop();
    await db?.end();
  });

  const logsOf = async (client: TestSession, id: string) =>
    (await client.get(`/v1/executions/${id}/logs`, { query: { limit: 100 } })).body.data as { seq: number; message: string }[];

  it('stores the finished run with no claim and no slot, its log lines numbered in order, its sequence as after one commit', async () => {
    const agent = await createAgent(session.client, agentFactory());

    const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: agentInputFactory({ employees: 250 }) });

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('succeeded');
    const { rows } = await db.query(
      `SELECT status, claimed_by, claim_token, claim_expires_at, next_run_at, slot_w, slot_a, seq, log_seq, started_at, finished_at, duration_ms
         FROM executions.executions WHERE id = $1`,
      [res.body.id],
    );
    expect(rows[0]).toMatchObject({
      status: 'succeeded',
      claimed_by: null,
      claim_token: null,
      claim_expires_at: null,
      next_run_at: null,
      slot_w: null,
      slot_a: null,
      seq: 2,
      log_seq: 5,
    });
    expect(rows[0].finished_at.getTime() - rows[0].started_at.getTime()).toBe(rows[0].duration_ms);
    const logs = await logsOf(session, res.body.id);
    expect(logs.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(logs.map((l) => l.message)).toEqual([
      expect.stringMatching(/^Run queued \(trigger: api/),
      'Run started (agent version 1)',
      expect.stringMatching(/^Step normalize succeeded in \d+ ms$/),
      expect.stringMatching(/^Step score succeeded in \d+ ms$/),
      expect.stringMatching(/^Run succeeded: /),
    ]);
    const slots = await db.query(`SELECT coalesce(sum(running), 0)::int AS n FROM executions.run_slots WHERE scope = $1`, [
      `a:${agent.id}`,
    ]);
    expect(slots.rows[0].n).toBe(0);
  });

  it('stores a run that fails on a pure step as failed, with the step and its error', async () => {
    const agent = await createAgent(session.client, stepsAgent([{ id: 'boom', type: 'transform', with: { expression: '$error("no")' } }]));

    const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: {} });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'failed', error: { code: 'EXPRESSION_ERROR', step_id: 'boom' } });
    expect(await getExecution(session.client, res.body.id)).toEqual(res.body);
  });

  it('queues a run of pure steps that the limits do not admit, and runs it once (not twice) when a slot frees', async () => {
    const free = await TestSession.create(stack, { plan: 'free' }); // 5 concurrent runs
    fake.hold('/hold-ahead');
    const slow = await createAgent(
      free.client,
      stepsAgent([{ id: 'call', type: 'http', with: { method: 'GET', url: `${fake.url}/hold-ahead` } }]),
    );
    const pure = await createAgent(free.client, agentFactory());
    const held = [];
    for (let i = 0; i < 5; i++) held.push(await startAsync(free.client, slow.id));
    await waitFor(async () => fake.heldCount('/hold-ahead') === 5, 10_000);

    const res = await free.post(`/v1/agents/${pure.id}/runs`, { input: agentInputFactory({ employees: 3 }), wait_timeout_ms: 300 });

    expect(res.status).toBe(202);
    expect((await getExecution(free.client, res.body.execution_id)).status).toBe('queued');
    const released = setInterval(() => fake.release('/hold-ahead'), 50);
    try {
      const done = await waitForExecution(free.client, res.body.execution_id);
      expect(done).toMatchObject({ status: 'succeeded', output: { score: 40 } });
      expect(done.steps.map((s) => [s.step_id, s.attempts.length])).toEqual([
        ['normalize', 1],
        ['score', 1],
      ]);
      for (const id of held) expect((await waitForExecution(free.client, id)).status).toBe('succeeded');
    } finally {
      clearInterval(released);
    }
    const messages = (await logsOf(free, res.body.execution_id)).map((l) => l.message);
    expect(messages.filter((m) => m.startsWith('Run started'))).toHaveLength(1);
    expect(messages.filter((m) => m.startsWith('Step '))).toHaveLength(2);
  });
});
