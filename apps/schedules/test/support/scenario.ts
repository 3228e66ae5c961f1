import { AgentView, CreateScheduleRequest, EVENTS_STREAM, EventEnvelope, ScheduleFireView, ScheduleView } from '@agentry/contracts';
import { waitFor } from '@agentry/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { NatsRpc } from './nats-rpc';

let seq = 0;

export function workspaceId(): string {
  return `wks_T${Date.now().toString(36).toUpperCase()}${++seq}`;
}

export function createAgent(rpc: NatsRpc, ws: string): Promise<AgentView> {
  return rpc.ok('agents.create', ws, {
    name: `Scheduled ${++seq}`,
    definition: { steps: [{ id: 'echo', type: 'transform', with: { expression: 'input' } }] },
  });
}

export function createSchedule(rpc: NatsRpc, ws: string, body: CreateScheduleRequest): Promise<ScheduleView> {
  return rpc.ok('schedules.create', ws, body);
}

/** Every fire of a schedule, oldest due time first. */
export async function firesOf(rpc: NatsRpc, ws: string, schedule: string): Promise<ScheduleFireView[]> {
  const all: ScheduleFireView[] = [];
  let cursor: string | undefined;
  do {
    const page = await rpc.ok('schedules.fires', ws, { schedule, limit: 100, ...(cursor ? { cursor } : {}) });
    all.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return all.sort((a, b) => a.due_at.localeCompare(b.due_at) || a.id.localeCompare(b.id));
}

/** Polls until `check` holds; fails the test with `what` when it never does. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  if (!(await waitFor(check, timeoutMs, 100))) throw new Error(`timed out waiting until ${what}`);
}

/** Pauses the schedules and waits until none of their fires is pending (every run start recorded). */
export async function settle(rpc: NatsRpc, ws: string, schedules: string[]): Promise<void> {
  for (const id of schedules) await rpc.ok('schedules.pause', ws, { schedule: id });
  await eventually('every fire is recorded', async () => {
    for (const id of schedules) if ((await firesOf(rpc, ws, id)).some((f) => f.state === 'pending')) return false;
    return true;
  });
}

/** Gaps in a run of due times that should be `stepMs` apart. */
export function gaps(fires: ScheduleFireView[], stepMs: number): string[] {
  const out: string[] = [];
  for (let i = 1; i < fires.length; i++) {
    const d = Date.parse(fires[i].due_at) - Date.parse(fires[i - 1].due_at);
    if (d !== stepMs) out.push(`${fires[i - 1].due_at} → ${fires[i].due_at}`);
  }
  return out;
}

/** Every event on one subject of the stream, oldest first (nats-server 2.9 has no multi-filter: filter here). */
export async function eventsOn<T>(natsUrl: string, subject: string): Promise<EventEnvelope<T>[]> {
  const nc = await connect({ servers: natsUrl, name: 'schedules-events-reader' });
  try {
    const js = jetstream(nc);
    const { state } = await (await jetstreamManager(nc)).streams.info(EVENTS_STREAM);
    const out: EventEnvelope<T>[] = [];
    if (state.messages === 0) return out;
    const consumer = await js.consumers.get(EVENTS_STREAM);
    for (let seen = 0; seen < state.last_seq;) {
      const batch = await consumer.fetch({ max_messages: 1000, expires: 2_000 });
      let n = 0;
      for await (const m of batch) {
        n++;
        seen = m.seq;
        if (m.subject === subject) out.push(m.json<EventEnvelope<T>>());
        if (seen >= state.last_seq) break;
      }
      if (n === 0) break;
    }
    return out;
  } finally {
    await nc.drain();
  }
}
