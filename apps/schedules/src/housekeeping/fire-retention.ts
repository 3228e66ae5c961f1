import { SchedulesConfig } from '../config/schedules.config';

const DAY_MS = 86_400_000;
/**
 * How much later than the prune cutoff a backfill may start: a replica whose clock is behind the pruning
 * one must not backfill a due time whose fire was just pruned (it would run it again).
 */
const BACKFILL_SKEW_MARGIN_MS = 60_000;

/** How long a settled fire is kept, counted from its due time. */
export function fireRetentionMs(config: SchedulesConfig): number {
  return Math.round(config.SCHEDULES_FIRE_RETENTION_DAYS * DAY_MS);
}

/** Settled fires due before this may be pruned. */
export function pruneCutoff(config: SchedulesConfig, now: Date): Date {
  return new Date(now.getTime() - fireRetentionMs(config));
}

/**
 * The earliest due time a backfill may ask for: before it, fires may be pruned, so a due time that ran
 * would look as if it never had.
 */
export function backfillHorizon(config: SchedulesConfig, now: Date): Date {
  return new Date(pruneCutoff(config, now).getTime() + BACKFILL_SKEW_MARGIN_MS);
}
