import { ruleOf, RuleSpec } from './schedule-rule';

/**
 * The first due time after `now` of a schedule that (re)starts now: created, resumed, its agent
 * resumed, or its rule changed. An interval's grid starts at `now` (first fire one interval later);
 * what was due while it was paused does not fire.
 */
export function firstDueAfter(spec: RuleSpec, now: Date): Date | null {
  return ruleOf(spec, now).nextAfter(now);
}

/** The rule fields of a stored schedule. */
export function specOf(s: { cron: string | null; intervalSeconds: number | null; timezone: string }): RuleSpec {
  return { cron: s.cron, interval_seconds: s.intervalSeconds, timezone: s.timezone };
}
