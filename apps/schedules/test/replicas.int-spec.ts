import { ScheduleFireView } from '@agentry/contracts';
import { startStack, TestStack } from '@agentry/testing';
import { FakeExecutions } from './support/fake-executions';
import { NatsRpc } from './support/nats-rpc';
import { createAgent, createSchedule, eventually, firesOf, gaps, settle, workspaceId } from './support/scenario';

/** Fires this replica committed, from its /metrics. */
async function firesBy(stack: TestStack, instance: string): Promise<number> {
  const text = await (await fetch(`${stack.serviceUrl(instance)}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('agentry_schedules_fires_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** Every due time once (no gap, no double), every fire started, one run per fire. */
function expectExactlyOnce(fires: ScheduleFireView[], executions: FakeExecutions, stepMs: number): void {
  expect(gaps(fires, stepMs)).toEqual([]);
  expect(fires.filter((f) => f.state !== 'started')).toEqual([]);
  for (const f of fires) expect(executions.runOfFire(f.id)?.id).toBe(f.execution_id);
  expect(new Set(fires.map((f) => f.execution_id)).size).toBe(fires.length);
}

describe('schedules replicas', () => {
  let stack: TestStack;
  let rpc: NatsRpc;
  let executions: FakeExecutions;

  beforeAll(async () => {
    stack = await startStack({
      services: ['agents', 'schedules', 'schedules#2'],
      label: 'schedules_replicas',
      perServiceEnv: {
        // small claims, so both replicas take part in each second's work; short leases for the crash
        schedules: { SCHEDULER_BATCH_SIZE: '4', SCHEDULES_START_LEASE_MS: '1500', SCHEDULES_RETRY_SCAN_MS: '200' },
      },
    });
    rpc = await NatsRpc.connect(stack.natsUrl);
    executions = await FakeExecutions.start(stack.natsUrl);
  });

  afterAll(async () => {
    await executions?.close();
    await rpc?.close();
    await stack?.stop();
  });

  it('two replicas fire each due time of each schedule exactly once, and share the work', async () => {
    const ws = workspaceId();
    const agent = await createAgent(rpc, ws);
    const before = { a: await firesBy(stack, 'schedules'), b: await firesBy(stack, 'schedules#2') };
    const schedules = await Promise.all(
      Array.from({ length: 16 }, () => createSchedule(rpc, ws, { agent_id: agent.id, cron: '* * * * * *', overlap_policy: 'allow' })),
    );
    const ids = schedules.map((s) => s.id);
    await eventually('every schedule fired five times', async () => {
      for (const id of ids) if ((await firesOf(rpc, ws, id)).length < 5) return false;
      return true;
    });
    await settle(rpc, ws, ids);

    for (const id of ids) expectExactlyOnce(await firesOf(rpc, ws, id), executions, 1_000);
    const after = { a: await firesBy(stack, 'schedules'), b: await firesBy(stack, 'schedules#2') };
    expect(after.a - before.a).toBeGreaterThan(0);
    expect(after.b - before.b).toBeGreaterThan(0);
  }, 120_000);

  it('a replica SIGKILLed while starting runs loses and doubles nothing: the other one finishes its fires', async () => {
    const ws = workspaceId();
    const agent = await createAgent(rpc, ws);
    await stack.stopService('schedules#2');
    executions.hold(); // runs get created, but no start is answered: the replica is mid-fire
    const schedules = await Promise.all(
      Array.from({ length: 4 }, () => createSchedule(rpc, ws, { agent_id: agent.id, cron: '* * * * * *', overlap_policy: 'allow' })),
    );
    const ids = schedules.map((s) => s.id);
    await eventually('starts in flight for every schedule', async () =>
      ids.every((id) => executions.calls.filter((c) => c.message.trigger.id === id).length >= 2),
    );
    await stack.killService('schedules', 'SIGKILL');
    const orphaned = new Set(executions.calls.filter((c) => ids.includes(c.message.trigger.id!)).map((c) => c.message.idempotency_key));
    executions.release();

    await stack.startService('schedules#2');
    await eventually('the survivor started the orphaned fires and fires on', async () => {
      for (const id of ids) {
        const fires = await firesOf(rpc, ws, id);
        if (fires.filter((f) => f.state === 'started').length < orphaned.size / ids.length + 3) return false;
      }
      return true;
    });
    await settle(rpc, ws, ids);
    await stack.startService('schedules');

    for (const id of ids) expectExactlyOnce(await firesOf(rpc, ws, id), executions, 1_000);
    // the orphaned fires were asked for again under the same key, and still made one run each
    const asked = executions.calls.filter((c) => orphaned.has(c.message.idempotency_key));
    expect(asked.length).toBeGreaterThan(orphaned.size);
    expect(new Set(asked.map((c) => c.executionId)).size).toBe(orphaned.size);
  }, 120_000);
});
