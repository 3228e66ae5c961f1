import { ScheduleFireView } from '@agentry/contracts';
import { sleep, startStack, TestStack } from '@agentry/testing';
import { FakeExecutions } from './support/fake-executions';
import { NatsRpc } from './support/nats-rpc';
import { createAgent, createSchedule, eventually, firesOf, gaps, workspaceId } from './support/scenario';

/** A retention of three seconds, pruned five times a second, two fires per batch (so a round takes several). */
const RETENTION_MS = 3_000;

/** A counter of the service's /metrics, summed over its labels. */
async function metric(stack: TestStack, name: string): Promise<number> {
  const text = await (await fetch(`${stack.serviceUrl('schedules')}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

describe('schedules service: fire retention', () => {
  let stack: TestStack;
  let rpc: NatsRpc;
  let executions: FakeExecutions;
  let ws: string;
  let agentId: string;

  beforeAll(async () => {
    stack = await startStack({
      services: ['agents', 'schedules'],
      label: 'schedules_retention',
      perServiceEnv: {
        schedules: {
          SCHEDULES_FIRE_RETENTION_DAYS: String(RETENTION_MS / 86_400_000),
          SCHEDULES_FIRE_PRUNE_INTERVAL_MS: '200',
          SCHEDULES_FIRE_PRUNE_BATCH_SIZE: '2',
          SCHEDULES_RETRY_SCAN_MS: '200',
        },
      },
    });
    rpc = await NatsRpc.connect(stack.natsUrl);
    executions = await FakeExecutions.start(stack.natsUrl);
  });

  beforeEach(async () => {
    ws = workspaceId();
    agentId = (await createAgent(rpc, ws)).id;
  });

  afterAll(async () => {
    await executions?.close();
    await rpc?.close();
    await stack?.stop();
  });

  const get = (id: string) => rpc.ok('schedules.get', ws, { schedule: id });
  const olderThan = (fires: ScheduleFireView[], ms: number) => fires.filter((f) => Date.parse(f.due_at) < Date.now() - ms);

  it('deletes settled fires past retention, keeps recent ones and any fire whose run is still going', async () => {
    const before = await metric(stack, 'agentry_schedules_fires_pruned_total');
    // skip: the first fire's run never ends here, so every later due time is a skipped (settled) fire
    const s = await createSchedule(rpc, ws, { agent_id: agentId, interval_seconds: 1, overlap_policy: 'skip' });
    await eventually('three skipped fires', async () => (await firesOf(rpc, ws, s.id)).filter((f) => f.state === 'skipped').length >= 3);
    const seen = await firesOf(rpc, ws, s.id);
    const running = seen.find((f) => f.state === 'started')!;

    await sleep(RETENTION_MS + 2_000);
    await eventually('the skipped fires past retention are gone', async () => {
      const fires = await firesOf(rpc, ws, s.id);
      return olderThan(fires, RETENTION_MS + 1_000).every((f) => f.id === running.id);
    });
    const fires = await firesOf(rpc, ws, s.id);
    // the run is still going: its fire stays whatever its age (overlap policies read it)
    expect(fires.find((f) => f.id === running.id)).toMatchObject({ state: 'started', execution_status: 'queued' });
    const recent = fires.filter((f) => f.id !== running.id && Date.parse(f.due_at) > Date.now() - (RETENTION_MS - 1_000));
    expect(recent.length).toBeGreaterThan(0);
    expect(gaps(recent, 1_000)).toEqual([]);
    const pruned = seen.filter((f) => !fires.some((g) => g.id === f.id));
    expect(pruned.length).toBeGreaterThanOrEqual(3);
    expect(pruned.every((f) => f.state === 'skipped')).toBe(true);
    expect(await metric(stack, 'agentry_schedules_fires_pruned_total')).toBeGreaterThanOrEqual(before + pruned.length);

    // paused: the skipped fires go; the run ends, and its fire goes too; the schedule keeps its history
    await rpc.ok('schedules.pause', ws, { schedule: s.id });
    await eventually('only the running fire is left', async () => (await firesOf(rpc, ws, s.id)).every((f) => f.id === running.id));
    await executions.transition(running.execution_id!, 'succeeded');
    await eventually('every fire is gone', async () => (await firesOf(rpc, ws, s.id)).length === 0);
    expect(await get(s.id)).toMatchObject({ total_runs: 1, last_execution_id: running.execution_id, last_status: 'succeeded' });
  }, 60_000);

  it('refuses a backfill reaching before the retention: whether those due times ran is no longer known', async () => {
    const s = await createSchedule(rpc, ws, { agent_id: agentId, interval_seconds: 1, enabled: false });
    const from = new Date(Date.now() - 10_000).toISOString();
    const to = new Date(Date.now() - 5_000).toISOString();
    expect(await rpc.call('schedules.backfill', ws, { schedule: s.id, from, to })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', details: [{ field: 'from', reason: expect.stringMatching(/^must be after .*: fires are kept/) }] },
    });
    expect(await firesOf(rpc, ws, s.id)).toEqual([]);
  });
});
