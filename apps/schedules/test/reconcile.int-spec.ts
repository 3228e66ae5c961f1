import { EVENTS_STREAM, ExecutionEventData } from '@agentry/contracts';
import { agentFactory, startStack, TestSession, TestStack, waitFor } from '@agentry/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { eventsOn, eventually } from './support/scenario';

/** Every executions event (of every run) leaves the stream: what a consumer down past the retention misses. */
async function purgeExecutionsEvents(natsUrl: string): Promise<void> {
  const nc = await connect({ servers: natsUrl, name: 'schedules-reconcile-purge' });
  try {
    await (await jetstreamManager(nc)).streams.purge(EVENTS_STREAM, { filter: 'agentry.executions.>' });
  } finally {
    await nc.drain();
  }
}

async function sql<T>(stack: TestStack, text: string, params: unknown[]): Promise<T[]> {
  const db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    return (await db.query(text, params)).rows as T[];
  } finally {
    await db.end();
  }
}

/**
 * The real services: a scheduled run ends while the schedules service is down and its events are lost
 * for good; the reconcile looks the run up and the schedule shows how it really ended.
 */
describe('schedules service: reconciling runs whose events were lost', () => {
  let stack: TestStack;
  let session: TestSession;

  beforeAll(async () => {
    stack = await startStack({
      services: ['gateway', 'agents', 'executions', 'schedules'],
      label: 'schedules_reconcile',
      perServiceEnv: { schedules: { SCHEDULES_RECONCILE_AFTER_MS: '1000', SCHEDULES_RECONCILE_INTERVAL_MS: '300' } },
    });
    session = await TestSession.create(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const schedule = async (id: string) => (await session.get(`/v1/schedules/${id}`)).body;
  const fireOf = async (schedule: string, fire: string) =>
    (await session.get(`/v1/schedules/${schedule}/fires`)).body.data.find((f: { id: string }) => f.id === fire);

  it('brings last_status and the fire to the run’s real end after its terminal event was lost', async () => {
    const agent = await session.post('/v1/agents', {
      ...agentFactory(),
      definition: {
        steps: [
          { id: 'review', type: 'approval', with: { message: 'Go?' } },
          { id: 'done', type: 'transform', with: { expression: '{ "ok": true }' } },
        ],
      },
    });
    expect(agent.status).toBe(201);
    const s = (await session.post('/v1/schedules', { agent_id: agent.body.id, cron: '0 0 1 1 *', enabled: false })).body;
    const fire = (await session.post(`/v1/schedules/${s.id}/run`, {})).body;
    expect(fire).toMatchObject({ state: 'started', execution_id: expect.stringMatching(/^exe_/) });
    const executionId: string = fire.execution_id;
    await eventually('the schedule sees the run wait for its approval', async () => (await schedule(s.id)).last_status === 'waiting');

    await stack.stopService('schedules');
    const approval = (await session.get('/v1/approvals', { query: { execution_id: executionId } })).body.data[0];
    expect((await session.post(`/v1/approvals/${approval.id}/approve`, {})).status).toBe(200);
    await eventually('the run succeeded', async () => (await session.get(`/v1/executions/${executionId}`)).body.status === 'succeeded');
    await eventually('its succeeded event is in the stream', async () =>
      (await eventsOn<ExecutionEventData>(stack.natsUrl, 'agentry.executions.succeeded')).some((e) => e.data.execution_id === executionId),
    );
    await purgeExecutionsEvents(stack.natsUrl);
    const [stale] = await sql<{ last_status: string }>(stack, `SELECT last_status FROM schedules.schedules WHERE id = $1`, [s.id]);
    expect(stale.last_status).toBe('waiting');

    await stack.startService('schedules');
    const healed = await waitFor(async () => (await schedule(s.id)).last_status === 'succeeded', 20_000, 200);
    expect(healed).toBe(true);
    expect(await schedule(s.id)).toMatchObject({ last_execution_id: executionId, last_status: 'succeeded', total_runs: 1 });
    expect(await fireOf(s.id, fire.id)).toMatchObject({ state: 'started', execution_id: executionId, execution_status: 'succeeded' });
    const [row] = await sql<{ active: boolean; status_checked_at: Date | null }>(
      stack,
      `SELECT active, status_checked_at FROM schedules.schedule_runs WHERE id = $1`,
      [fire.id],
    );
    expect(row).toMatchObject({ active: false, status_checked_at: expect.any(Date) });
    const metrics = await (await fetch(`${stack.serviceUrl('schedules')}/metrics`)).text();
    expect(metrics).toMatch(/^agentry_schedules_fires_reconciled_total\{status="succeeded"\} 1$/m);
  }, 90_000);
});
