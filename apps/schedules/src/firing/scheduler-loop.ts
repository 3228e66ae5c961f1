import { LOGGER } from '@agentry/common';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { SchedulesConfig } from '../config/schedules.config';
import { ScheduleFiresRepository } from '../schedules/schedule-fires.repository';
import { SchedulesRepository } from '../schedules/schedules.repository';
import { Clock } from '../timing/clock';
import { FireDueSchedules } from './fire-due-schedules';
import { RunStarter } from './run-starter';

const ERROR_BACKOFF_MS = 1_000;

/** Sleeps that wake() cuts short. */
class Sleeper {
  private readonly waiters = new Set<{ until: number; timer: NodeJS.Timeout; resolve: () => void }>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter = {
        until: Date.now() + ms,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve();
        }, ms),
      };
      this.waiters.add(waiter);
    });
  }

  /** Wakes the sleepers that would sleep past `at` (every one when undefined). */
  wake(at?: number): void {
    for (const w of this.waiters) {
      if (at !== undefined && w.until <= at) continue;
      clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve();
    }
  }
}

/**
 * Two loops per replica. Claim: fire what is due, then sleep until the earliest next_run_at (at most
 * SCHEDULER_TICK_MS, since another replica may create an earlier one). Retry scan: lease pending fires
 * whose attempt is due and start their runs. Nothing assumes one replica: rows are claimed with SKIP LOCKED.
 */
@Injectable()
export class SchedulerLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running = false;
  private readonly claimSleep = new Sleeper();
  private readonly scanSleep = new Sleeper();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly fireDue: FireDueSchedules,
    private readonly starter: RunStarter,
    private readonly schedules: SchedulesRepository,
    private readonly fires: ScheduleFiresRepository,
    private readonly clock: Clock,
    @Inject(SchedulesConfig) private readonly config: SchedulesConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.SCHEDULER_ENABLED) this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const claimers = Array.from({ length: this.config.SCHEDULER_CLAIM_WORKERS }, () => this.claimLoop());
    this.loops = [...claimers, this.scanLoop()];
  }

  /** Stops claiming; in-flight run starts finish (within the shutdown grace) and the rest is handed back. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.claimSleep.wake();
    this.scanSleep.wake();
    await Promise.all(this.loops);
    await this.starter.stop(this.config.SHUTDOWN_GRACE_MS);
  }

  /** A schedule's due time changed here (created, resumed, edited): look again if it is due before the next look. */
  wakeClaim(dueAt?: Date | null): void {
    if (dueAt === null) return;
    this.claimSleep.wake(dueAt?.getTime());
  }

  /** Pending fires are due now (buffered promoted, backfill): start them now. */
  wakeScan(): void {
    this.scanSleep.wake();
  }

  private async claimLoop(): Promise<void> {
    while (this.running) {
      try {
        const claimed = await this.fireDue.round();
        if (claimed >= this.config.SCHEDULER_BATCH_SIZE) {
          await new Promise((r) => setImmediate(r));
          continue;
        }
        // Busy: the next due times are close; gather them into one round rather than many tiny ones.
        await this.claimSleep.sleep(claimed > 0 ? this.config.SCHEDULER_MIN_SLEEP_MS : await this.untilNextDue());
      } catch (err) {
        this.logger.error({ err: (err as Error).message }, 'schedules: claim round failed');
        await this.claimSleep.sleep(ERROR_BACKOFF_MS);
      }
    }
  }

  private async untilNextDue(): Promise<number> {
    const next = await this.schedules.earliestDue();
    const tick = this.config.SCHEDULER_TICK_MS;
    if (!next) return tick;
    return Math.min(tick, Math.max(this.config.SCHEDULER_MIN_SLEEP_MS, next.getTime() - this.clock.now().getTime()));
  }

  private async scanLoop(): Promise<void> {
    while (this.running) {
      try {
        const room = this.starter.capacity();
        if (room > 0) {
          const now = this.clock.now();
          const leased = await this.fires.claimPending(now, new Date(now.getTime() + this.config.SCHEDULES_START_LEASE_MS), room);
          this.starter.enqueue(leased);
          if (leased.length === room) continue;
        }
      } catch (err) {
        this.logger.error({ err: (err as Error).message }, 'schedules: pending-fire scan failed');
      }
      await this.scanSleep.sleep(this.config.SCHEDULES_RETRY_SCAN_MS);
    }
  }
}
