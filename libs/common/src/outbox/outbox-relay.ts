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
  payload: unknown;
  request_id: string | null;
}

const published = new Counter({ name: 'agentry_outbox_published_total', help: 'Outbox events published to JetStream' });
const failures = new Counter({ name: 'agentry_outbox_publish_failures_total', help: 'Failed outbox publish batches' });

export interface OutboxRelayOptions {
  batchSize?: number;
  /** Safety-net poll; normal latency comes from wake(). */
  pollIntervalMs?: number;
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
  private loop?: Promise<void>;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
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
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.loop;
  }

  wake(): void {
    if (!this.running) return;
    if (this.loop) {
      this.pending = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.loop = this.drain().finally(() => {
      this.loop = undefined;
      if (!this.running) return;
      if (this.pending) {
        this.pending = false;
        this.wake();
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

  private async publishBatch(): Promise<number> {
    return this.ds.transaction(async (m) => {
      const rows: OutboxRow[] = await m.query(
        `SELECT seq, id, subject, payload, request_id FROM "${this.schema}".outbox
          WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      await Promise.all(
        rows.map((r) => {
          const h = natsHeaders();
          if (r.request_id) h.set(REQUEST_ID_HEADER, r.request_id);
          return this.js.publish(r.subject, JSON.stringify(r.payload), { msgID: r.id, headers: h, timeout: 5_000 });
        }),
      );
      await m.query(`UPDATE "${this.schema}".outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      published.inc(rows.length);
      return rows.length;
    });
  }
}
