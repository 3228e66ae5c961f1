import { REQUEST_ID_HEADER } from '@agentry/contracts';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Counter } from 'prom-client';
import { OutboxWakeup } from './outbox';

interface OutboxRow {
  seq: string;
  id: string;
  subject: string;
  /** The envelope as JSON text, sent as it is. */
  payload: string;
  request_id: string | null;
}

const published = new Counter({ name: 'agentry_outbox_published_total', help: 'Outbox events published to JetStream' });
const failures = new Counter({ name: 'agentry_outbox_publish_failures_total', help: 'Failed outbox publish batches' });

export interface OutboxRelayOptions {
  batchSize?: number;
  /** Safety-net poll; normal latency comes from wake(). */
  pollIntervalMs?: number;
  /**
   * A wake-up that comes while a batch is being published starts the next batch this long after it, so that
   * under load the relay publishes fewer, larger batches (each is a transaction and a WAL flush). A wake-up
   * of an idle relay starts at once.
   */
  coalesceMs?: number;
}

/**
 * Moves committed outbox rows to JetStream. Rows are claimed with SKIP LOCKED so replicas share the
 * work; each message carries the event id as Nats-Msg-Id, so JetStream drops a republish after a crash
 * between publish and mark (within the stream's duplicate window).
 */
export class OutboxRelay implements OutboxWakeup {
  private running = false;
  private timer?: NodeJS.Timeout;
  private pending = false;
  private soon = false;
  private loop?: Promise<void>;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly coalesceMs: number;
  private backoffMs = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly js: JetStreamClient,
    private readonly schema: string,
    private readonly logger: Logger,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.coalesceMs = options.coalesceMs ?? 10;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.soon = false;
    if (this.timer) clearTimeout(this.timer);
    await this.loop;
  }

  wake(): void {
    if (!this.running) return;
    if (this.loop) {
      this.pending = true;
      return;
    }
    if (this.soon) return; // the next batch is already set to start in at most coalesceMs
    if (this.timer) clearTimeout(this.timer);
    this.loop = this.drain().finally(() => {
      this.loop = undefined;
      if (!this.running) return;
      if (this.pending) {
        this.pending = false;
        if (this.backoffMs) this.wake();
        else {
          this.soon = true;
          this.timer = setTimeout(() => {
            this.soon = false;
            this.wake();
          }, this.coalesceMs);
        }
      } else {
        this.timer = setTimeout(() => this.wake(), this.backoffMs || this.pollIntervalMs);
      }
    });
  }

  /** Publishes until the outbox is empty or publishing fails. */
  private async drain(): Promise<void> {
    try {
      while (this.running && (await this.publishBatch()) === this.batchSize) {
        /* keep going */
      }
      this.backoffMs = 0;
    } catch (err) {
      failures.inc();
      this.backoffMs = Math.min(Math.max(this.backoffMs * 2, 250), 5_000);
      this.logger.warn({ err: (err as Error).message, retry_in_ms: this.backoffMs }, 'outbox relay: publish failed, will retry');
    }
  }

  /**
   * One transaction: take a batch (SKIP LOCKED, so replicas share the work) by deleting it, make sure it is on
   * disk, publish it, commit.
   * A failed publish rolls the delete back; a crash after JetStream acked but before the commit republishes
   * the batch under the same Nats-Msg-Id, which the stream drops. Deleting (rather than marking rows published
   * and purging them later) writes one tuple version per event instead of three index entries more.
   */
  private async publishBatch(): Promise<number> {
    return this.ds.transaction(async (m) => {
      const rows: OutboxRow[] = await m.query(
        // A top-level SELECT: TypeORM returns [rows, count] for a bare DELETE … RETURNING.
        // The delete need not wait for the disk: lost in a crash, the batch is published again under the same
        // Nats-Msg-Id, which JetStream drops (and consumers are idempotent past its duplicate window).
        `WITH taken AS (
           DELETE FROM "${this.schema}".outbox WHERE seq IN (
             SELECT seq FROM "${this.schema}".outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
           RETURNING seq, id, subject, payload::text AS payload, request_id),
         lazy AS (SELECT set_config('synchronous_commit', 'off', true))
         SELECT taken.* FROM taken, lazy ORDER BY seq`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      // Some writers commit without waiting for the disk (executions: a sync run's start, pure steps). An event
      // must not leave before its change is durable, or a PostgreSQL crash could leave an event about a change
      // that never happened. A synchronous commit on another connection flushes the WAL past every commit this
      // batch's snapshot saw (the WAL is flushed in order).
      await this.ds.query(`SELECT pg_current_xact_id()`);
      await Promise.all(
        rows.map((r) => {
          const h = natsHeaders();
          if (r.request_id) h.set(REQUEST_ID_HEADER, r.request_id);
          return this.js.publish(r.subject, r.payload, { msgID: r.id, headers: h, timeout: 5_000 });
        }),
      );
      published.inc(rows.length);
      return rows.length;
    });
  }
}
