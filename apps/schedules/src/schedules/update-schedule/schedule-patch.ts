import { UpdateScheduleRequest } from '@agentry/contracts';
import { firstDueAfter, specOf } from '../../timing/first-due';
import { validateRule } from '../../timing/schedule-rule';
import { normalizeZone } from '../../timing/zoned-time';
import { ScheduleEntity } from '../schedule.entity';

export interface PatchOutcome {
  changed: boolean;
  /** next_run_at was recomputed (rule, zone or enabled changed). */
  rescheduled: boolean;
}

/** Fields of a PATCH body sent as null: none of them may be cleared. */
export function nullFieldsIn(patch: UpdateScheduleRequest): string[] {
  return Object.entries(patch)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies a PATCH to the schedule in place. Setting `cron` drops `interval_seconds` and the reverse
 * (both at once is invalid). A new rule, zone or `enabled: true` recomputes next_run_at from now.
 */
export function applySchedulePatch(s: ScheduleEntity, patch: UpdateScheduleRequest, now: Date): PatchOutcome {
  let changed = false;
  let ruleChanged = false;
  const set = <K extends keyof ScheduleEntity>(key: K, value: ScheduleEntity[K]) => {
    if (same(s[key], value)) return false;
    s[key] = value;
    changed = true;
    return true;
  };
  if (patch.cron !== undefined || patch.interval_seconds !== undefined || patch.timezone !== undefined) {
    const spec = {
      cron: patch.interval_seconds !== undefined && patch.cron === undefined ? undefined : (patch.cron ?? s.cron),
      interval_seconds:
        patch.cron !== undefined && patch.interval_seconds === undefined ? undefined : (patch.interval_seconds ?? s.intervalSeconds),
      timezone: patch.timezone !== undefined ? normalizeZone(patch.timezone) : s.timezone,
    };
    validateRule(spec, now);
    ruleChanged = [
      set('cron', spec.cron?.trim().replace(/\s+/g, ' ') ?? null),
      set('intervalSeconds', spec.interval_seconds ?? null),
      set('timezone', spec.timezone),
    ].some(Boolean);
  }
  if (patch.input !== undefined) set('input', patch.input);
  if (patch.overlap_policy !== undefined) set('overlapPolicy', patch.overlap_policy);
  if (patch.catchup !== undefined) set('catchup', patch.catchup);
  if (patch.catchup_window_seconds !== undefined) set('catchupWindowSeconds', patch.catchup_window_seconds);
  let resumed = false;
  if (patch.enabled !== undefined && set('enabled', patch.enabled)) {
    s.pausedAt = patch.enabled ? null : now;
    if (patch.enabled) s.pausedNote = null;
    resumed = patch.enabled;
  }
  const rescheduled = ruleChanged || resumed;
  if (rescheduled) s.nextRunAt = firstDueAfter(specOf(s), now);
  if (changed) s.updatedAt = now;
  return { changed, rescheduled };
}
