import { durableName, EventEnvelope, EVENTS_STREAM, EventMap, EventSubject } from '@agentry/contracts';
import { JetStreamClient, JetStreamManager, JsMsg, ConsumerMessages } from '@nats-io/jetstream';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { RequestContext } from '../logging/request-context';
import { durableConfig } from '../nats/provision';

/** A handler may return a callback to run once its transaction has committed (e.g. tell other processes). */
export type EventHandler<S extends EventSubject> = (
  event: EventEnvelope<EventMap[S]>,
  manager: EntityManager,
  subject: S,
) => Promise<void | (() => void)>;

export interface ReceivedEvent {
  subject: EventSubject;
  envelope: EventEnvelope<unknown>;
}

/** Batch mode's handler: events not applied before, in one transaction; may return an after-commit callback. */
export type BatchEventHandler = (events: ReceivedEvent[], manager: EntityManager) => Promise<void | (() => void)>;

export interface DurableConsumerOptions {
  /** Durable name, shared by every replica of the consuming service (a work queue between them). */
  name: string;
  /** Subjects this consumer reads; one JetStream consumer per subject (nats-server 2.9 has no multi-filter). */
  subjects: readonly EventSubject[];
  maxDeliver?: number;
  ackWaitMs?: number;
  /**
   * Batch mode, for handlers that do not depend on the order of events (webhooks fan-out): the events
   * already waiting (up to maxSize) are handled together in one transaction, with one multi-row
   * processed_events insert; the handler gets only the events not applied before.
   */
  batch?: { maxSize: number; handler: BatchEventHandler };
}

/**
 * A durable JetStream consumer whose handler runs in a database transaction together with the
 * insert into processed_events: an event redelivered after a crash, or published twice, is applied once.
 */
export class DurableConsumer {
  private readonly streams: ConsumerMessages[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly schema: string,
    private readonly logger: Logger,
    private readonly options: DurableConsumerOptions,
    private readonly handlers: { [S in EventSubject]?: EventHandler<S> },
  ) {}

  async start(): Promise<void> {
    for (const subject of this.options.subjects) {
      const durable = durableName(this.options.name, subject);
      try {
        await this.jsm.consumers.info(EVENTS_STREAM, durable);
      } catch {
        // With NATS users, `npm run nats-provision` has created it and this user may not (deploy/nats/auth.conf).
        await this.jsm.consumers.add(EVENTS_STREAM, durableConfig(this.options.name, subject, this.options));
      }
      const consumer = await this.js.consumers.get(EVENTS_STREAM, durable);
      const messages = await consumer.consume({ max_messages: 100 });
      this.streams.push(messages);
      void (this.options.batch ? this.pumpBatches(messages, this.options.batch) : this.pump(messages));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.streams) await s.close().catch(() => undefined);
    await Promise.allSettled([...this.inflight]);
  }

  private async pump(messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      if (this.stopped) break;
      const p = this.handle(msg);
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
      await p;
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const subject = msg.subject as EventSubject;
    let envelope: EventEnvelope<unknown>;
    try {
      envelope = plainToInstance(EventEnvelope, msg.json<object>());
      const errors = await validate(envelope);
      if (errors.length) throw new Error(`invalid envelope: ${errors.map((e) => e.property).join(', ')}`);
    } catch (err) {
      this.logger.error({ subject, err: (err as Error).message }, 'consumer: dropping malformed event');
      msg.term();
      return;
    }
    const handler = this.handlers[subject] as EventHandler<EventSubject> | undefined;
    if (!handler) {
      msg.ack();
      return;
    }
    const requestId = msg.headers?.get('x-request-id') || envelope.id;
    await RequestContext.run({ request_id: requestId, workspace_id: envelope.workspace_id }, async () => {
      try {
        const after: { fn?: void | (() => void) } = {};
        await this.ds.transaction(async (m) => {
          const inserted: unknown[] = await m.query(
            `INSERT INTO "${this.schema}".processed_events (consumer, event_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING RETURNING event_id`,
            [this.options.name, envelope.id],
          );
          if (inserted.length === 0) return; // already applied
          after.fn = await handler(envelope as EventEnvelope<EventMap[EventSubject]>, m, subject);
        });
        msg.ack();
        if (typeof after.fn === 'function') {
          try {
            after.fn();
          } catch (err) {
            this.logger.warn({ subject, event_id: envelope.id, err: (err as Error).message }, 'consumer: after-commit callback failed');
          }
        }
      } catch (err) {
        const delay = Math.min(30_000, 500 * 2 ** Math.min(msg.info.deliveryCount, 6));
        this.logger.warn({ subject, event_id: envelope.id, err: (err as Error).message, retry_in_ms: delay }, 'consumer: handler failed');
        msg.nak(delay);
      }
    });
  }

  /** Batch mode: what arrived in the same tick (or while the previous batch ran) goes in one transaction. */
  private async pumpBatches(messages: ConsumerMessages, batch: NonNullable<DurableConsumerOptions['batch']>): Promise<void> {
    const waiting: JsMsg[] = [];
    let running: Promise<void> | undefined;
    const kick = () => {
      if (running || waiting.length === 0) return;
      const p = this.handleBatch(waiting.splice(0, batch.maxSize), batch.handler);
      this.inflight.add(p);
      running = p.finally(() => {
        this.inflight.delete(p);
        running = undefined;
        kick();
      });
    };
    for await (const msg of messages) {
      if (this.stopped) break;
      waiting.push(msg);
      if (!running) setImmediate(kick);
      while (waiting.length >= batch.maxSize * 2 && running) await running;
    }
  }

  private async handleBatch(msgs: JsMsg[], handler: BatchEventHandler): Promise<void> {
    const valid: { msg: JsMsg; event: ReceivedEvent }[] = [];
    for (const msg of msgs) {
      try {
        const envelope = plainToInstance(EventEnvelope, msg.json<object>());
        const errors = await validate(envelope);
        if (errors.length) throw new Error(`invalid envelope: ${errors.map((e) => e.property).join(', ')}`);
        valid.push({ msg, event: { subject: msg.subject as EventSubject, envelope } });
      } catch (err) {
        this.logger.error({ subject: msg.subject, err: (err as Error).message }, 'consumer: dropping malformed event');
        msg.term();
      }
    }
    if (valid.length === 0) return;
    try {
      const after: { fn?: void | (() => void) } = {};
      await this.ds.transaction(async (m) => {
        const inserted: { event_id: string }[] = await m.query(
          `INSERT INTO "${this.schema}".processed_events (consumer, event_id) SELECT $1, unnest($2::text[])
           ON CONFLICT DO NOTHING RETURNING event_id`,
          [this.options.name, valid.map((v) => v.event.envelope.id)],
        );
        const fresh = new Set(inserted.map((r) => r.event_id));
        const events = valid.filter((v) => fresh.delete(v.event.envelope.id)).map((v) => v.event);
        if (events.length) after.fn = await handler(events, m);
      });
      for (const v of valid) v.msg.ack();
      if (typeof after.fn === 'function') {
        try {
          after.fn();
        } catch (err) {
          this.logger.warn({ err: (err as Error).message }, 'consumer: after-commit callback failed');
        }
      }
    } catch (err) {
      this.logger.warn({ events: valid.length, err: (err as Error).message }, 'consumer: batch handler failed');
      for (const v of valid) v.msg.nak(Math.min(30_000, 500 * 2 ** Math.min(v.msg.info.deliveryCount, 6)));
    }
  }
}
