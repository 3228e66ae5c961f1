import { LOGGER } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { SchedulesConfig } from '../config/schedules.config';
import { Clock } from '../timing/clock';
import { FireHousekeepingRepository } from './fire-housekeeping.repository';
import { pruneCutoff } from './fire-retention';
import { firesPrunedTotal } from './housekeeping.metrics';

/** Batches per round at most, so a huge backlog (a table never pruned) is worked off over several rounds. */
const MAX_BATCHES_PER_ROUND = 200;

/**
 * Deletes settled fires past SCHEDULES_FIRE_RETENTION_DAYS in small batches, each its own short
 * transaction, so the table stays bounded (rate × retention) without holding locks the firing path waits for.
 */
@Injectable()
export class PruneFires {
  constructor(
    private readonly repo: FireHousekeepingRepository,
    private readonly clock: Clock,
    @Inject(SchedulesConfig) private readonly config: SchedulesConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Returns how many fires it deleted; stops early when `keepGoing` says so (shutdown). */
  async round(keepGoing: () => boolean = () => true): Promise<number> {
    const cutoff = pruneCutoff(this.config, this.clock.now());
    const size = this.config.SCHEDULES_FIRE_PRUNE_BATCH_SIZE;
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_ROUND && keepGoing(); batch++) {
      const deleted = await this.repo.pruneBatch(cutoff, size);
      if (deleted === null) break; // another replica is pruning
      total += deleted;
      firesPrunedTotal.inc(deleted);
      if (deleted < size) break;
    }
    if (total > 0) this.logger.info({ fires: total, due_before: cutoff.toISOString() }, 'schedules: pruned fires past retention');
    return total;
  }
}
