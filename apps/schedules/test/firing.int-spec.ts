import { ScheduleFiredEventData, ScheduleView } from '@agentry/contracts';
import { sleep, startStack, TestStack } from '@agentry/testing';
import { Client } from 'pg';
import { FakeExecutions } from './support/fake-executions';
import { NatsRpc } from './support/nats-rpc';
import { createAgent, createSchedule, eventsOn, eventually, firesOf, gaps, settle, workspaceId } from './support/scenario';

/**
 * The schedules service firing for real: compiled dist/main.js with the real agents service, on a
 * private database and nats-server; `executions.start` answered by a fake the test controls.
 */
describe('schedules service: firing', () => {
  let stack: TestStack;
  let rpc: NatsRpc;
  let executions: FakeExecutions;
  let ws: string;
  let agentId: string;

  beforeAll(async () => {
    stack = await startStack({
      services: ['agents', 'schedules'],
      label: 'schedules_firing',
      perServiceEnv: { schedules: { SCHEDULES_RETRY_SCAN_MS: '200' } },
    });
    rpc = await NatsRpc.connect(stack.natsUrl);
    executions = await FakeExecutions.start(stack.natsUrl);
  });

  beforeEach(async () => {
    ws = workspaceId();
    agentId = (await createAgent(rpc, ws)).id;
    executions.failWith = undefined;
  });

  afterAll(async () => {
    await executions?.close();
    await rpc?.close();
    await stack?.stop();
  });

  const schedule = (body: Record<string, unknown>) => createSchedule(rpc, ws, { agent_id: agentId, ...body });
  const get = (id: string) => rpc.ok('schedules.get', ws, { schedule: id });

  it('fires every second once per due time, one run per fire (fire id as key), with a fired event each', async () => {
    const s = await schedule({ cron: '* * * * * *', overlap_policy: 'allow', input: { report: 'daily' } });
    await eventually('four fires started', async () => (await firesOf(rpc, ws, s.id)).filter((f) => f.state === 'started').length >= 4);
    await settle(rpc, ws, [s.id]);

    const fires = await firesOf(rpc, ws, s.id);
    expect(gaps(fires, 1_000)).toEqual([]);
    expect(fires.every((f) => f.state === 'started' && f.trigger === 'schedule' && f.execution_id?.startsWith('exe_'))).toBe(true);
    const calls = executions.calls.filter((c) => c.message.trigger.id === s.id);
    expect(new Set(calls.map((c) => c.message.idempotency_key))).toEqual(new Set(fires.map((f) => f.id)));
    expect(calls[0].message).toMatchObject({
      agent: agentId,
      input: { report: 'daily' },
      async: true,
      trigger: { type: 'schedule', id: s.id },
      metadata: { schedule_id: s.id },
    });
    expect(calls[0].plan).toBe('pro');
    for (const f of fires) expect(executions.runOfFire(f.id)?.id).toBe(f.execution_id);

    const fired = (await eventsOn<ScheduleFiredEventData>(stack.natsUrl, 'agentry.schedules.fired')).filter(
      (e) => e.data.schedule_id === s.id,
    );
    expect(fired.map((e) => e.data.fire_id).sort()).toEqual(fires.map((f) => f.id).sort());
    expect(fired[0]).toMatchObject({
      type: 'schedules.fired',
      workspace_id: ws,
      data: { agent_id: agentId, trigger: 'schedule', state: 'pending' },
    });

    const last = fires.at(-1)!;
    const view = await get(s.id);
    expect(view).toMatchObject({ total_runs: fires.length, last_execution_id: last.execution_id, enabled: false, next_run_at: null });
    await executions.transition(last.execution_id!, 'running');
    await executions.transition(last.execution_id!, 'succeeded');
    await eventually('last_status follows the run', async () => (await get(s.id)).last_status === 'succeeded');
    expect((await firesOf(rpc, ws, s.id)).at(-1)!.execution_status).toBe('succeeded');
  }, 90_000);

  it('skip: does not start a run while the previous one is going, and fires again once it ended', async () => {
    const s = await schedule({ interval_seconds: 1, overlap_policy: 'skip' });
    await eventually('a skipped fire', async () => (await firesOf(rpc, ws, s.id)).some((f) => f.state === 'skipped'));
    const [first] = (await firesOf(rpc, ws, s.id)).filter((f) => f.state === 'started');
    expect((await firesOf(rpc, ws, s.id)).filter((f) => f.state === 'started')).toHaveLength(1);
    await executions.transition(first.execution_id!, 'failed');
    await eventually('a second run', async () => (await firesOf(rpc, ws, s.id)).filter((f) => f.state === 'started').length === 2);
    await settle(rpc, ws, [s.id]);
    expect((await get(s.id)).total_runs).toBe(2);
  }, 60_000);

  it('queue: one fire waits behind the running run and starts when it ends; later ones are skipped', async () => {
    const s = await schedule({ interval_seconds: 1, overlap_policy: 'queue' });
    await eventually('buffered and skipped fires', async () => {
      const fires = await firesOf(rpc, ws, s.id);
      return fires.some((f) => f.state === 'buffered') && fires.some((f) => f.state === 'skipped');
    });
    const fires = await firesOf(rpc, ws, s.id);
    expect(fires.filter((f) => f.state === 'started')).toHaveLength(1);
    expect(fires.filter((f) => f.state === 'buffered')).toHaveLength(1);
    const buffered = fires.find((f) => f.state === 'buffered')!;
    await executions.transition(fires.find((f) => f.state === 'started')!.execution_id!, 'succeeded');
    await eventually('the buffered fire started', async () =>
      (await firesOf(rpc, ws, s.id)).some((f) => f.id === buffered.id && f.state === 'started'),
    );
    await settle(rpc, ws, [s.id]);
    expect((await get(s.id)).last_execution_id).toBe((await firesOf(rpc, ws, s.id)).find((f) => f.id === buffered.id)!.execution_id);
  }, 60_000);

  it('catches up after a simulated downtime per policy: none drops, latest runs one, all runs each', async () => {
    const made: Record<string, ScheduleView> = {};
    for (const catchup of ['none', 'latest', 'all'] as const) {
      made[catchup] = await schedule({ interval_seconds: 600, catchup, overlap_policy: 'allow' });
    }
    await stack.stopService('schedules');
    // Two hours and five minutes of downtime: due times every 10 minutes from then, the last 5 minutes ago.
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    await db.query(`UPDATE schedules.schedules SET next_run_at = now() - interval '125 minutes' WHERE id = ANY($1)`, [
      Object.values(made).map((s) => s.id),
    ]);
    await db.end();
    await stack.startService('schedules');

    await eventually('every schedule moved past now', async () => {
      for (const s of Object.values(made)) if (Date.parse((await get(s.id)).next_run_at!) < Date.now()) return false;
      return true;
    });
    await settle(
      rpc,
      ws,
      Object.values(made).map((s) => s.id),
    );
    expect(await firesOf(rpc, ws, made.none.id)).toEqual([]);
    const latest = await firesOf(rpc, ws, made.latest.id);
    expect(latest.map((f) => [f.trigger, f.state])).toEqual([['catchup', 'started']]);
    const all = await firesOf(rpc, ws, made.all.id);
    expect(all).toHaveLength(13);
    expect(all.every((f) => f.trigger === 'catchup' && f.state === 'started')).toBe(true);
    expect(gaps(all, 600_000)).toEqual([]);
    expect(latest[0].due_at).toBe(all.at(-1)!.due_at);
  }, 90_000);

  it('retries a run start the executions service could not take, and fails for good on a refusal', async () => {
    executions.failWith = { code: 'SERVICE_UNAVAILABLE', message: 'down for a moment' };
    const s = await schedule({ interval_seconds: 1, overlap_policy: 'skip' });
    await eventually('a failed attempt recorded', async () => (await firesOf(rpc, ws, s.id)).some((f) => f.attempts >= 1));
    const [pending] = await firesOf(rpc, ws, s.id);
    expect(pending).toMatchObject({ state: 'pending', error: { code: 'SERVICE_UNAVAILABLE' } });
    expect((await get(s.id)).last_status).toBe('pending');
    executions.failWith = undefined;
    await eventually(
      'the same fire started',
      async () => (await firesOf(rpc, ws, s.id)).find((f) => f.id === pending.id)?.state === 'started',
    );
    await settle(rpc, ws, [s.id]);

    executions.failWith = {
      code: 'INVALID_INPUT',
      message: 'input does not match',
      details: [{ field: 'input.email', reason: 'required' }],
    };
    const refused = await schedule({ interval_seconds: 1, overlap_policy: 'skip' });
    await eventually('a failed fire', async () => (await firesOf(rpc, ws, refused.id)).some((f) => f.state === 'failed'));
    await settle(rpc, ws, [refused.id]);
    expect((await firesOf(rpc, ws, refused.id))[0]).toMatchObject({ state: 'failed', error: { code: 'INVALID_INPUT' } });
    expect((await get(refused.id)).last_status).toBe('start_failed');
  }, 60_000);

  it('run now: starts a run at once whatever the pause, answers refusals with their error', async () => {
    const s = await schedule({ cron: '0 0 1 1 *', enabled: false });
    const fire = await rpc.ok('schedules.run', ws, { schedule: s.id, input: { once: true } });
    expect(fire).toMatchObject({ trigger: 'manual', state: 'started', execution_id: expect.stringMatching(/^exe_/) });
    expect(executions.calls.at(-1)!.message.input).toEqual({ once: true });
    expect(await get(s.id)).toMatchObject({ total_runs: 1, last_execution_id: fire.execution_id, last_status: 'queued' });

    executions.failWith = { code: 'AGENT_PAUSED', message: 'Agent is paused' };
    expect(await rpc.call('schedules.run', ws, { schedule: s.id })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'AGENT_PAUSED' }),
    });
    executions.failWith = { code: 'SERVICE_UNAVAILABLE', message: 'down' };
    const later = await rpc.ok('schedules.run', ws, { schedule: s.id });
    expect(later.state).toBe('pending');
    executions.failWith = undefined;
    await eventually(
      'the pending run started',
      async () => (await firesOf(rpc, ws, s.id)).find((f) => f.id === later.id)?.state === 'started',
    );
  }, 60_000);

  it('backfills a past window once per due time, and refuses windows in the future, too large or past retention', async () => {
    const s = await schedule({ cron: '* * * * *', enabled: false });
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const window = { from: new Date(minute - 10 * 60_000).toISOString(), to: new Date(minute - 6 * 60_000).toISOString() };
    const first = await rpc.ok('schedules.backfill', ws, { schedule: s.id, ...window });
    expect(first).toMatchObject({ created: 5, existing: 0 });
    expect(first.data.every((f) => f.trigger === 'backfill')).toBe(true);
    const again = await rpc.ok('schedules.backfill', ws, {
      schedule: s.id,
      from: window.from,
      to: new Date(minute - 5 * 60_000).toISOString(),
    });
    expect(again).toMatchObject({ created: 1, existing: 5 });
    await eventually('six runs started', async () => (await firesOf(rpc, ws, s.id)).filter((f) => f.state === 'started').length === 6);
    expect(gaps(await firesOf(rpc, ws, s.id), 60_000)).toEqual([]);

    const future = await rpc.call('schedules.backfill', ws, {
      schedule: s.id,
      from: window.from,
      to: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: [{ field: 'to' }] } });
    const huge = await rpc.call('schedules.backfill', ws, {
      schedule: s.id,
      from: new Date(minute - 2 * 86_400_000).toISOString(),
      to: new Date(minute - 86_400_000).toISOString(),
    });
    expect(huge).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', details: [{ field: 'to', reason: expect.stringMatching(/more than 1000/) }] },
    });
    // fires are kept SCHEDULES_FIRE_RETENTION_DAYS (30): older due times cannot be told apart from ones that never ran
    const pruned = await rpc.call('schedules.backfill', ws, { schedule: s.id, from: '2026-01-01T00:00:00Z', to: '2026-01-01T00:10:00Z' });
    expect(pruned).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', details: [{ field: 'from', reason: expect.stringMatching(/fires are kept 30 days/) }] },
    });
  }, 60_000);

  it('follows its agent: no fires while it is paused, none caught up on resume, deleted with it', async () => {
    const s = await schedule({ cron: '* * * * * *', overlap_policy: 'allow' });
    await rpc.ok('agents.pause', ws, { agent: agentId });
    await eventually('the schedule sees the pause', async () => (await get(s.id)).agent_paused);
    expect((await get(s.id)).next_run_at).toBeNull();
    const before = (await firesOf(rpc, ws, s.id)).length;
    await sleep(2_500);
    expect((await firesOf(rpc, ws, s.id)).length).toBe(before);

    await rpc.ok('agents.resume', ws, { agent: agentId });
    await eventually('it fires again', async () => (await firesOf(rpc, ws, s.id)).length > before + 1);
    expect((await firesOf(rpc, ws, s.id)).filter((f) => f.trigger === 'catchup')).toEqual([]);

    await rpc.ok('agents.delete', ws, { agent: agentId });
    await eventually('the schedule is gone', async () => !(await rpc.call('schedules.get', ws, { schedule: s.id })).ok);
  }, 60_000);
});
