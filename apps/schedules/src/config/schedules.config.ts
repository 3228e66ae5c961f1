import { ServiceConfig, toBool } from '@agentry/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, Max, Min } from 'class-validator';

export class SchedulesConfig extends ServiceConfig {
  /** Run the scheduler loop in this process (false: API only). */
  @Transform(toBool)
  @IsBoolean()
  SCHEDULER_ENABLED: boolean = true;

  /** Longest sleep between two claims when nothing is due sooner. */
  @IsInt()
  @Min(10)
  @Max(60_000)
  SCHEDULER_TICK_MS: number = 500;

  /** Shortest sleep between two claims: due times closer than this share one claim (the lag it may add). */
  @IsInt()
  @Min(1)
  @Max(1_000)
  SCHEDULER_MIN_SLEEP_MS: number = 25;

  /**
   * Claim transactions a replica runs at once. SKIP LOCKED keeps them disjoint; more than one hides a
   * round's database latency when many schedules are due.
   */
  @IsInt()
  @Min(1)
  @Max(16)
  SCHEDULER_CLAIM_WORKERS: number = 2;

  /** Schedules claimed per transaction. */
  @IsInt()
  @Min(1)
  @Max(5_000)
  SCHEDULER_BATCH_SIZE: number = 500;

  /** A due time up to this late is on time; older ones were missed and follow the schedule's `catchup`. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  SCHEDULES_MISFIRE_GRACE_MS: number = 60_000;

  /** Due times one schedule may fire per claim (catch-up `all` continues on the next claim). */
  @IsInt()
  @Min(1)
  @Max(10_000)
  SCHEDULES_MAX_FIRES_PER_CLAIM: number = 100;

  /** How long the replica that committed a fire owns starting its run; after that any replica retries it. */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  SCHEDULES_START_LEASE_MS: number = 30_000;

  /** How long one `executions.start` request may take. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  SCHEDULES_START_TIMEOUT_MS: number = 10_000;

  /** `executions.start` requests in flight per replica. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  SCHEDULES_START_CONCURRENCY: number = 256;

  /** How often a replica looks for fires whose run still has to be started (retries, other replicas' expired leases). */
  @IsInt()
  @Min(10)
  @Max(600_000)
  SCHEDULES_RETRY_SCAN_MS: number = 1_000;

  /** Largest backfill, in fires. */
  @IsInt()
  @Min(1)
  @Max(100_000)
  SCHEDULES_BACKFILL_MAX_FIRES: number = 1_000;

  /**
   * Settled fires (run ended, skipped, failed) whose due time is older than this are deleted; fractions
   * are allowed (0.5 is 12 h). Also how far back a backfill may reach: past it, whether a due time ran is unknown.
   */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.00001)
  @Max(3_650)
  SCHEDULES_FIRE_RETENTION_DAYS: number = 30;

  /** How often a replica prunes fires past retention (one replica at a time; the others skip that round). */
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  SCHEDULES_FIRE_PRUNE_INTERVAL_MS: number = 60_000;

  /** Fires deleted per statement; a prune round repeats it while full batches come back. */
  @IsInt()
  @Min(1)
  @Max(50_000)
  SCHEDULES_FIRE_PRUNE_BATCH_SIZE: number = 5_000;

  /**
   * A started fire whose run has sent no news for this long is looked up on the executions service: its
   * events may be lost (the consumer was down past the stream's retention, or a message was purged).
   */
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  SCHEDULES_RECONCILE_AFTER_MS: number = 600_000;

  /** How often a replica looks for such fires. */
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  SCHEDULES_RECONCILE_INTERVAL_MS: number = 60_000;

  /** Fires looked up per reconcile round. */
  @IsInt()
  @Min(1)
  @Max(5_000)
  SCHEDULES_RECONCILE_BATCH_SIZE: number = 100;
}
