import { Logger, Outbox } from '@agentry/common';
import { DataSource } from 'typeorm';
import { DisabledEndpoint, EndpointDisabler } from '../endpoints/endpoint-disabler';
import { AttemptRow, DeliveryUpdate, DispatchRepository } from './dispatch.repository';

/** The result of one claimed delivery, as the dispatcher hands it to the writer. */
export interface Completion {
  update: DeliveryUpdate;
  attempt?: AttemptRow;
  /** For endpoint deliveries that were attempted: what the attempt says about the endpoint. */
  endpoint?: { id: string; outcome: 'success' | 'failure' | 'gone' };
}

const MAX_BATCH = 500;

/**
 * Writes attempt results in batches, one transaction each (a delivery costs a few rows, not a few
 * transactions), together with their effects on endpoints: failure streaks, 410 and 5-day disabling.
 */
export class CompletionWriter {
  private queue: Completion[] = [];
  private flushing?: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly repo: DispatchRepository,
    private readonly disabler: EndpointDisabler,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
    private readonly disableAfterMs: number,
    private readonly onDisabled: (endpoints: DisabledEndpoint[]) => void,
  ) {}

  push(c: Completion): void {
    this.queue.push(c);
    if (!this.flushing) this.flushing = this.loop();
  }

  /** Resolves once everything pushed so far is written (or given up on). */
  drain(): Promise<void> {
    if (!this.flushing) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      await this.writeWithRetry(batch);
    }
    this.flushing = undefined;
    for (const w of this.waiters.splice(0)) w();
  }

  /**
   * A failed batch is retried a few times, then written one result at a time so one bad row cannot
   * take the others with it. A result that still cannot be written is dropped: its lease expires and
   * the delivery is attempted again (at least once).
   */
  private async writeWithRetry(batch: Completion[]): Promise<void> {
    for (let failures = 0; ; failures++) {
      try {
        return await this.write(batch);
      } catch (err) {
        this.logger.error(
          { err: (err as Error).message, batch: batch.length, failures: failures + 1 },
          'webhooks: writing attempt results failed',
        );
        if (failures >= 2) break;
        await new Promise((r) => setTimeout(r, 100 * 4 ** failures));
      }
    }
    if (batch.length === 1) return;
    for (const c of batch) await this.write([c]).catch(() => undefined);
  }

  private async write(batch: Completion[]): Promise<void> {
    const attempts = new Map(batch.filter((c) => c.attempt).map((c) => [c.update.id, c.attempt!]));
    const latest = new Map<string, 'success' | 'failure' | 'gone'>();
    for (const c of batch) if (c.endpoint) latest.set(c.endpoint.id, c.endpoint.outcome);
    const by = (o: string) => [...latest].filter(([, v]) => v === o).map(([k]) => k);
    const disabled = await this.ds.transaction(async (m) => {
      await this.repo.complete(
        m,
        batch.map((c) => c.update),
        attempts,
      );
      const failed = [...by('failure'), ...by('gone')];
      await this.repo.markEndpoints(m, by('success'), failed);
      return [...(await this.disabler.gone(m, by('gone'))), ...(await this.disabler.failing(m, by('failure'), this.disableAfterMs))];
    });
    if (disabled.length) {
      this.outbox.flush();
      this.onDisabled(disabled);
    }
  }
}
