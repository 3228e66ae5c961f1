import { LOGGER } from '@agentry/common';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { SchedulesConfig } from '../config/schedules.config';
import { PruneFires } from './prune-fires';
import { ReconcileFires } from './reconcile-fires';

/**
 * The slow loops of a scheduler replica: prune fires past retention, and reconcile fires whose run
 * went quiet. Each round starts an interval after the previous one ended; rounds never overlap.
 */
@Injectable()
export class HousekeepingLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly rounds = new Set<Promise<void>>();

  constructor(
    private readonly prune: PruneFires,
    private readonly reconcile: ReconcileFires,
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
    const keepGoing = () => this.running;
    this.every('prune', this.config.SCHEDULES_FIRE_PRUNE_INTERVAL_MS, () => this.prune.round(keepGoing));
    this.every('reconcile', this.config.SCHEDULES_RECONCILE_INTERVAL_MS, () => this.reconcile.round(keepGoing));
  }

  /** Stops both loops and waits for a round under way (it stops between batches). */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.rounds);
  }

  private every(what: string, ms: number, round: () => Promise<unknown>): void {
    const later = () => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        const pass = round()
          .then(
            () => undefined,
            (err: unknown) => this.logger.error({ err: (err as Error).message }, `schedules: ${what} round failed`),
          )
          .finally(() => {
            this.rounds.delete(pass);
            if (this.running) later();
          });
        this.rounds.add(pass);
      }, ms);
      this.timers.add(timer);
    };
    later();
  }
}
