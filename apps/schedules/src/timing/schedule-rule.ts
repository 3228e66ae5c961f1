import { ErrorDetail } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { Cron } from 'croner';

/** When a schedule is due: the first due time after an instant, and the last one before it. */
export interface ScheduleRule {
  readonly kind: 'cron' | 'interval';
  /** The first due time strictly after `t`; null when the rule never fires again. */
  nextAfter(t: Date): Date | null;
  /** The last due time strictly before `t`; null when there is none. */
  previousBefore(t: Date): Date | null;
}

export interface RuleSpec {
  cron?: string | null;
  interval_seconds?: number | null;
  timezone: string;
}

const SECOND = 1_000;

/**
 * A cron rule evaluated by croner in an IANA zone. DST (see docs/adr/0004-schedules-exactly-once-and-dst.md):
 * a wall time that does not exist on a spring-forward day fires once, shifted forward by the gap
 * (02:30 → 03:30 in America/New_York); a wall time that occurs twice on a fall-back day fires once,
 * at its first occurrence (the repeated hour does not fire again).
 */
export class CronRule implements ScheduleRule {
  readonly kind = 'cron';
  private readonly cron: Cron;

  constructor(
    readonly expression: string,
    readonly timezone: string,
  ) {
    // 5 or 6 fields only (croner would also take a 7th, year, field); Vixie OR of day-of-month and day-of-week.
    this.cron = new Cron(expression, { timezone, mode: '5-or-6-parts', paused: true });
  }

  nextAfter(t: Date): Date | null {
    // croner's nextRuns() chains through its internal local time and can repeat a time inside a DST
    // gap; nextRun() from a UTC instant does not. Guard anyway: due times must strictly increase.
    let from = t;
    for (let i = 0; i < 4; i++) {
      const next = this.cron.nextRun(from);
      if (!next) return null;
      if (next.getTime() > t.getTime()) return next;
      from = new Date(Math.max(next.getTime(), from.getTime()) + SECOND);
    }
    return null;
  }

  previousBefore(t: Date): Date | null {
    // croner walks backwards with separate code; only what the forward walk produces is a due time
    // (around DST they differ), so step forward from the due time before the previous one.
    const [prev, before] = this.cron.previousRuns(2, t);
    if (!prev) return null;
    if (!before) return prev.getTime() < t.getTime() ? prev : null;
    let last: Date | null = null;
    for (let d = this.nextAfter(before), i = 0; d && d.getTime() < t.getTime() && i < 1_000; d = this.nextAfter(d), i++) last = d;
    return last ?? (before.getTime() < t.getTime() ? before : null);
  }
}

/** Every `seconds`, on the grid anchored at `anchor` (anchor + k × seconds). */
export class IntervalRule implements ScheduleRule {
  readonly kind = 'interval';
  private readonly stepMs: number;

  constructor(
    readonly seconds: number,
    readonly anchor: Date,
  ) {
    this.stepMs = seconds * SECOND;
  }

  nextAfter(t: Date): Date {
    const k = Math.floor((t.getTime() - this.anchor.getTime()) / this.stepMs) + 1;
    return new Date(this.anchor.getTime() + k * this.stepMs);
  }

  previousBefore(t: Date): Date {
    const k = Math.ceil((t.getTime() - this.anchor.getTime()) / this.stepMs) - 1;
    return new Date(this.anchor.getTime() + k * this.stepMs);
  }
}

/**
 * The rule of a stored schedule. `anchor` places an interval's grid (its next_run_at); cron ignores it.
 * Throws INVALID_INPUT with the field for a bad expression, an unknown zone or a rule that never fires.
 */
export function ruleOf(spec: RuleSpec, anchor: Date): ScheduleRule {
  if (spec.cron !== undefined && spec.cron !== null) return parseCron(spec.cron, spec.timezone);
  if (spec.interval_seconds === undefined || spec.interval_seconds === null)
    throw invalid('cron', 'either cron or interval_seconds is required');
  return new IntervalRule(spec.interval_seconds, anchor);
}

/** Checks a create/update request's rule fields and returns the rule (interval anchored at `now`). */
export function validateRule(spec: RuleSpec, now: Date): ScheduleRule {
  const hasCron = spec.cron !== undefined && spec.cron !== null;
  const hasInterval = spec.interval_seconds !== undefined && spec.interval_seconds !== null;
  if (hasCron && hasInterval) throw invalid('interval_seconds', 'cannot be combined with cron; give one of them');
  if (!hasCron && !hasInterval) throw invalid('cron', 'either cron or interval_seconds is required');
  const rule = ruleOf(spec, now);
  if (!rule.nextAfter(now)) throw invalid('cron', 'never fires (no matching date in the future)');
  return rule;
}

function parseCron(expression: string, timezone: string): CronRule {
  const text = expression.trim();
  if (/^@reboot$/i.test(text)) throw invalid('cron', '@reboot is not a schedule');
  let rule: CronRule;
  try {
    rule = new CronRule(text.replace(/\s+/g, ' '), timezone);
  } catch (err) {
    throw invalid('cron', cronReason(err));
  }
  try {
    rule.nextAfter(new Date(0));
  } catch {
    // croner checks the zone only when it first evaluates a time
    throw invalid('timezone', 'must be an IANA time zone such as Europe/London');
  }
  return rule;
}

function cronReason(err: unknown): string {
  const message = (err as Error)?.message ?? 'invalid cron expression';
  return `invalid cron expression: ${message.replace(/^Cron\w*:\s*/, '').replace(/,? ?exactly five, six, or seven/, ', exactly five or six')}`;
}

function invalid(field: string, reason: string): AppError {
  const details: ErrorDetail[] = [{ field, reason }];
  return AppError.invalid(`Invalid ${field}`, details);
}
