import { EVENTS_STREAM, EventEnvelope, ExecutionEventData } from '@agentry/contracts';
import { connectNats, ensureEventsStream, NatsHandles, newId } from '@agentry/common';

/** Publishes domain events to JetStream the way the outbox relay does (envelope JSON, event id as Nats-Msg-Id). */
export class EventPublisher {
  private constructor(private readonly nats: NatsHandles) {}

  static async connect(natsUrl: string): Promise<EventPublisher> {
    const nats = await connectNats(natsUrl, 'webhooks-test-publisher');
    await ensureEventsStream(nats.jsm);
    return new EventPublisher(nats);
  }

  envelope<T>(subject: string, workspaceId: string, data: T): EventEnvelope<T> {
    return {
      id: newId('evt'),
      type: subject.split('.').slice(1).join('.'),
      version: 1,
      occurred_at: new Date().toISOString(),
      workspace_id: workspaceId,
      data,
    };
  }

  /** `dedupe: false` publishes without Nats-Msg-Id, so the same envelope can reach the stream twice. */
  async publish(subject: string, envelope: EventEnvelope<unknown>, dedupe = true): Promise<void> {
    await this.nats.js.publish(subject, JSON.stringify(envelope), dedupe ? { msgID: envelope.id } : {});
  }

  async close(): Promise<void> {
    await this.nats.nc.close();
  }

  get stream(): string {
    return EVENTS_STREAM;
  }
}

export function executionData(overrides: Partial<ExecutionEventData> = {}): ExecutionEventData {
  return {
    execution_id: newId('exe'),
    agent_id: newId('agt'),
    status: 'succeeded',
    trigger_type: 'api',
    summary: 'Done',
    output: { ok: true },
    tokens_used: 42,
    duration_ms: 1234,
    ...overrides,
  };
}

export async function eventually<T>(probe: () => Promise<T> | T, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await probe();
  }
  return last;
}
