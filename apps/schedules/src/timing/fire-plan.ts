import { CatchupPolicy, FireState, FireTrigger, OverlapPolicy } from '@agentry/contracts';
import { ScheduleRule } from './schedule-rule';

export interface PlanInput {
  rule: ScheduleRule;
  /** The first due time that has not fired yet (the schedule's next_run_at). */
  nextRunAt: Date;
  now: Date;
  catchup: CatchupPolicy;
  catchupWindowMs: number;
  /** A due time up to this late is on time; older ones were missed (downtime) and follow `catchup`. */
  graceMs: number;
  /** At most this many due times per plan; the rest are planned on the next round. */
  maxFires: number;
}

export interface PlannedFire {
  dueAt: Date;
  trigger: Extract<FireTrigger, 'schedule' | 'catchup'>;
}

export interface FirePlan {
  fires: PlannedFire[];
  /** Where the schedule continues: the first due time not planned (may still be ≤ now when capped); null: never again. */
  nextRunAt: Date | null;
  /** Due times passed over without a fire (missed and not caught up); a lower bound when large. */
  dropped: number;
}

/**
 * Which due times in [nextRunAt, now] fire. On time (within grace) they all fire; missed ones follow
 * `catchup`: `none` drops them, `latest` fires the most recent one when nothing on time fires, `all`
 * fires each one inside the catch-up window. A pure function of its input (no clock).
 */
export function planFires(input: PlanInput): FirePlan {
  const { rule, nextRunAt, now } = input;
  if (nextRunAt.getTime() > now.getTime()) return { fires: [], nextRunAt, dropped: 0 };
  const freshFrom = new Date(now.getTime() - input.graceMs);
  const windowFrom = new Date(now.getTime() - Math.max(input.catchupWindowMs, input.graceMs));
  if (nextRunAt.getTime() >= freshFrom.getTime()) return walk(rule, nextRunAt, now, freshFrom, input.maxFires, 0);

  if (input.catchup === 'all') {
    const start = nextRunAt.getTime() >= windowFrom.getTime() ? nextRunAt : atOrAfter(rule, windowFrom);
    const dropped = start ? countBetween(rule, nextRunAt, start) : 0;
    if (!start) return { fires: [], nextRunAt: null, dropped };
    return walk(rule, start, now, freshFrom, input.maxFires, dropped);
  }

  const fresh = atOrAfter(rule, freshFrom);
  const onTime = fresh && fresh.getTime() <= now.getTime() ? walk(rule, fresh, now, freshFrom, input.maxFires, 0) : undefined;
  if (onTime || input.catchup === 'none') {
    return { fires: onTime?.fires ?? [], nextRunAt: onTime?.nextRunAt ?? fresh, dropped: 1 };
  }
  // latest: one run stands for the missed period, if its newest due time is inside the window
  const latest = rule.previousBefore(freshFrom);
  const fires: PlannedFire[] =
    latest && latest.getTime() >= nextRunAt.getTime() && latest.getTime() >= windowFrom.getTime()
      ? [{ dueAt: latest, trigger: 'catchup' }]
      : [];
  return { fires, nextRunAt: fresh, dropped: 1 };
}

/** Due times from `start` (a due time) through `now`, capped; older than `freshFrom` is a catch-up. */
function walk(rule: ScheduleRule, start: Date, now: Date, freshFrom: Date, max: number, dropped: number): FirePlan {
  const fires: PlannedFire[] = [];
  let due: Date | null = start;
  while (due && due.getTime() <= now.getTime() && fires.length < max) {
    fires.push({ dueAt: due, trigger: due.getTime() < freshFrom.getTime() ? 'catchup' : 'schedule' });
    due = rule.nextAfter(due);
  }
  return { fires, nextRunAt: due, dropped };
}

/** The first due time at or after `t`. */
export function atOrAfter(rule: ScheduleRule, t: Date): Date | null {
  return rule.nextAfter(new Date(t.getTime() - 1));
}

/** How many due times in [from, to), counting at most 1000 (a lower bound for the log only). */
function countBetween(rule: ScheduleRule, from: Date, to: Date): number {
  let n = 0;
  for (let d: Date | null = from; d && d.getTime() < to.getTime() && n < 1000; d = rule.nextAfter(d)) n++;
  return n;
}

/** Whether a run of the schedule is under way, and whether one already waits behind it. */
export interface OverlapState {
  running: boolean;
  buffered: boolean;
}

/**
 * The state of a new fire under the schedule's overlap policy, updating `open` for the next fire of
 * the same round: `skip` fires only when nothing runs, `queue` lets one fire wait behind the running
 * run (later ones are skipped), `allow` always fires.
 */
export function overlapDecision(policy: OverlapPolicy, open: OverlapState): Extract<FireState, 'pending' | 'buffered' | 'skipped'> {
  if (policy === 'allow' || !open.running) {
    open.running = true;
    return 'pending';
  }
  if (policy === 'queue' && !open.buffered) {
    open.buffered = true;
    return 'buffered';
  }
  return 'skipped';
}
