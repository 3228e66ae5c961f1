import { CronRule, IntervalRule, ruleOf, ScheduleRule } from './schedule-rule';

const MAX_ENTRIES = 20_000;
const crons = new Map<string, CronRule>();

/**
 * The rule of a stored schedule. Parsed cron rules are shared (they are immutable), so a claim round
 * over thousands of schedules does not parse the same expression thousands of times.
 */
export function cachedRuleOf(s: {
  cron: string | null;
  intervalSeconds: number | null;
  timezone: string;
  nextRunAt: Date | null;
}): ScheduleRule {
  if (s.cron === null) return new IntervalRule(s.intervalSeconds!, s.nextRunAt ?? new Date());
  const key = `${s.timezone}\n${s.cron}`;
  let rule = crons.get(key);
  if (!rule) {
    rule = ruleOf({ cron: s.cron, timezone: s.timezone }, new Date()) as CronRule;
    if (crons.size >= MAX_ENTRIES) crons.clear();
    crons.set(key, rule);
  }
  return rule;
}
