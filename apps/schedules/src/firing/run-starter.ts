import { ErrorCode } from '@agentry/contracts';
import { AppError, LOGGER, waitAtMost } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { SchedulesConfig } from '../config/schedules.config';
import { FailedOutcome, FireToStart, ScheduleFiresRepository, StartedOutcome } from '../schedules/schedule-fires.repository';
import { SchedulesRepository } from '../schedules/schedules.repository';
import { Clock } from '../timing/clock';
import { ExecutionsStarter } from './executions-starter';
import { fireLag, runsStartedTotal, startFailuresTotal } from './firing.metrics';

/** Errors after which the same start may succeed later; anything else fails the fire for good. */
const RETRYABLE: readonly string[] = [
  ErrorCode.SERVICE_UNAVAILABLE,
  ErrorCode.INTERNAL,
  ErrorCode.EXECUTION_FAILED,
  ErrorCode.RATE_LIMITED,
];
const MAX_BACKOFF_MS = 60_000;
const FLUSH_AT = 200;
const FLUSH_DELAY_MS = 10;
/** Outcomes recorded per transaction at most. */
const MAX_RECORD_BATCH = 2_000;

export type StartOutcome =
  | { kind: 'started'; fire: FireToStart; executionId: string; status: StartedOutcome['status'] }
  | { kind: 'retry' | 'failed'; fire: FireToStart; error: AppError };

/** Delay before attempt n+1 after n failed attempts: 1 s doubling to 60 s, ±25 % jitter. */
export function retryDelayMs(failedAttempts: number, random = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

/**
 * Starts the runs of pending fires with bounded concurrency and records the outcomes in batches.
 * A fire stays `pending` until its run is known to exist; the lease its claimer holds runs out if this
 * process dies, and any replica starts it again under the same idempotency key.
 */
@Injectable()
export class RunStarter {
  private readonly queue: FireToStart[] = [];
  private readonly queued = new Set<string>();
  private inflight = 0;
  private outcomes: StartOutcome[] = [];
  private flushTimer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly fires: ScheduleFiresRepository,
    private readonly schedules: SchedulesRepository,
    private readonly starter: ExecutionsStarter,
    private readonly clock: Clock,
    @Inject(SchedulesConfig) private readonly config: SchedulesConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Fires this replica holds the lease of; started as slots free up. */
  enqueue(fires: FireToStart[]): void {
    for (const f of fires) {
      if (this.queued.has(f.id)) continue;
      this.queued.add(f.id);
      this.queue.push(f);
    }
    this.pump();
  }

  /** Room for more work, so a scan does not lease more fires than it can start before the lease ends. */
  capacity(): number {
    return Math.max(0, this.config.SCHEDULES_START_CONCURRENCY * 4 - this.queue.length - this.inflight);
  }

  /** Starts one fire now and records the outcome before returning (run now). */
  async startNow(fire: FireToStart): Promise<StartOutcome> {
    this.queued.add(fire.id);
    try {
      const outcome = await this.attempt(fire);
      await this.record([outcome]);
      return outcome;
    } finally {
      this.queued.delete(fire.id);
    }
  }

  /** Stops taking work, lets in-flight starts finish (up to graceMs), records them, and hands back the rest. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    const waiting = this.queue.splice(0);
    await waitAtMost(this.idle(), graceMs);
    await this.flush();
    try {
      await this.fires.release(
        waiting.map((f) => f.id),
        this.clock.now(),
      );
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'schedules: could not hand back fires; their leases will expire');
    }
  }

  private pump(): void {
    while (!this.stopped && this.inflight < this.config.SCHEDULES_START_CONCURRENCY && this.queue.length > 0) {
      const fire = this.queue.shift()!;
      this.inflight++;
      void this.attempt(fire)
        .then((outcome) => this.collect(outcome))
        .finally(() => {
          this.inflight--;
          this.queued.delete(fire.id);
          if (this.inflight === 0 && this.queue.length === 0) this.idleWaiters.splice(0).forEach((w) => w());
          this.pump();
        });
    }
  }

  private idle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async attempt(fire: FireToStart): Promise<StartOutcome> {
    try {
      const { executionId, status } = await this.starter.start(fire);
      if (fire.trigger === 'schedule' && fire.attempts === 0) {
        fireLag.observe(Math.max(0, this.clock.now().getTime() - fire.dueAt.getTime()) / 1000);
      }
      return { kind: 'started', fire, executionId, status };
    } catch (err) {
      const error = err instanceof AppError ? err : new AppError(ErrorCode.INTERNAL, (err as Error)?.message ?? 'start failed');
      return { kind: RETRYABLE.includes(error.code) ? 'retry' : 'failed', fire, error };
    }
  }

  private collect(outcome: StartOutcome): void {
    this.outcomes.push(outcome);
    if (this.flushing) return; // the running flush takes it next
    if (this.outcomes.length >= FLUSH_AT) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  /**
   * Records what was collected, one transaction at a time: while one is written the next batch gathers,
   * so batches grow when the database is slow instead of transactions queueing up.
   */
  private flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushing ??= (async () => {
      while (this.outcomes.length > 0) await this.recordWithRetry(this.outcomes.splice(0, MAX_RECORD_BATCH));
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async recordWithRetry(batch: StartOutcome[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.record(batch);
        return;
      } catch (err) {
        if (attempt >= 3) {
          // The fires stay pending under their lease; a later attempt starts them again (same run: idempotent).
          this.logger.error({ err: (err as Error).message, fires: batch.length }, 'schedules: could not record run starts');
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  private async record(batch: StartOutcome[]): Promise<void> {
    const now = this.clock.now();
    const started: StartedOutcome[] = [];
    const retries: FailedOutcome[] = [];
    const failures: FailedOutcome[] = [];
    for (const o of batch) {
      if (o.kind === 'started') {
        started.push({ id: o.fire.id, executionId: o.executionId, status: o.status });
        continue;
      }
      const error = { code: o.error.code, message: o.error.message.slice(0, 500) };
      startFailuresTotal.inc({ outcome: o.kind, code: o.error.code });
      if (o.kind === 'retry') retries.push({ id: o.fire.id, error, retryAt: new Date(now.getTime() + retryDelayMs(o.fire.attempts + 1)) });
      else failures.push({ id: o.fire.id, error });
    }
    await this.ds.transaction(async (m) => {
      // Lock the schedules first, in id order: the same order every writer of several schedules uses.
      await this.schedules.lockMany(m, [...new Set(batch.map((o) => o.fire.scheduleId))]);
      await this.fires.recordStarted(m, started, now);
      await this.fires.recordRetry(m, retries);
      const failedSchedules = await this.fires.recordFailed(m, failures);
      await this.fires.promoteBuffered(m, failedSchedules, now);
    });
    runsStartedTotal.inc(started.length);
    for (const o of batch) {
      if (o.kind === 'failed') {
        this.logger.warn({ fire_id: o.fire.id, schedule_id: o.fire.scheduleId, code: o.error.code }, 'schedules: run could not be started');
      }
    }
  }
}
