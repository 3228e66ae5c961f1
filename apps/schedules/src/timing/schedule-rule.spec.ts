import { CronRule, IntervalRule, ruleOf, ScheduleRule, validateRule } from './schedule-rule';
import { formatInZone } from './zoned-time';

const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Every due time in (from, to]. */
function dueTimes(rule: ScheduleRule, from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = rule.nextAfter(at(from)); d && d.getTime() <= at(to).getTime(); d = rule.nextAfter(d)) out.push(d.toISOString());
  return out;
}

/** The same due times as wall times of the zone. */
const local = (times: string[], zone: string) => times.map((t) => formatInZone(at(t), zone));

describe(CronRule.name, () => {
  describe('America/New_York', () => {
    const zone = 'America/New_York';

    it('fires a 02:30 daily schedule once on the spring-forward day, at 03:30 EDT (shifted by the gap)', () => {
      const sut = new CronRule('30 2 * * *', zone);
      const times = dueTimes(sut, '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z');
      expect(local(times, zone)).toEqual(['2026-03-07T02:30:00-05:00', '2026-03-08T03:30:00-04:00', '2026-03-09T02:30:00-04:00']);
      expect(times).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
    });

    it('fires a 01:30 daily schedule once on the fall-back day, at its first occurrence (EDT)', () => {
      const sut = new CronRule('30 1 * * *', zone);
      const times = dueTimes(sut, '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z');
      expect(local(times, zone)).toEqual(['2026-10-31T01:30:00-04:00', '2026-11-01T01:30:00-04:00', '2026-11-02T01:30:00-05:00']);
      // the second 01:30 (06:30Z, EST) is not a due time
      expect(sut.nextAfter(at('2026-11-01T05:30:00Z'))).toEqual(at('2026-11-02T06:30:00Z'));
    });

    it('fires a 02:30 daily schedule once on the fall-back day (02:30 exists once, in EST)', () => {
      const sut = new CronRule('30 2 * * *', zone);
      expect(dueTimes(sut, '2026-11-01T04:00:00Z', '2026-11-02T04:00:00Z')).toEqual(['2026-11-01T07:30:00.000Z']);
    });

    it('does not fire sub-hourly schedules again in the repeated hour: one fire per wall time', () => {
      const sut = new CronRule('*/30 * * * *', zone);
      const times = dueTimes(sut, '2026-11-01T04:45:00Z', '2026-11-01T07:45:00Z');
      expect(local(times, zone)).toEqual([
        '2026-11-01T01:00:00-04:00',
        '2026-11-01T01:30:00-04:00',
        '2026-11-01T02:00:00-05:00',
        '2026-11-01T02:30:00-05:00',
      ]);
    });

    it('merges the wall times of the spring-forward gap into the first real time after it', () => {
      const sut = new CronRule('*/30 * * * *', zone);
      const times = dueTimes(sut, '2026-03-08T06:15:00Z', '2026-03-08T08:15:00Z');
      expect(local(times, zone)).toEqual([
        '2026-03-08T01:30:00-05:00',
        '2026-03-08T03:00:00-04:00',
        '2026-03-08T03:30:00-04:00',
        '2026-03-08T04:00:00-04:00',
      ]);
    });

    it('fires a 02:30 daily schedule on every local day of a year exactly once', () => {
      const sut = new CronRule('30 2 * * *', zone);
      const days = local(dueTimes(sut, '2026-01-01T00:00:00Z', '2027-01-01T05:00:00Z'), zone).map((t) => t.slice(0, 10));
      expect(days).toHaveLength(365);
      expect(new Set(days).size).toBe(365);
    });
  });

  describe('Europe/London', () => {
    const zone = 'Europe/London';

    it('shifts 01:30 to 02:30 BST on the spring-forward day, once', () => {
      const sut = new CronRule('30 1 * * *', zone);
      const times = dueTimes(sut, '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z');
      expect(local(times, zone)).toEqual(['2026-03-28T01:30:00+00:00', '2026-03-29T02:30:00+01:00', '2026-03-30T01:30:00+01:00']);
    });

    it('fires 01:30 once on the fall-back day, at the first occurrence (BST)', () => {
      const sut = new CronRule('30 1 * * *', zone);
      const times = dueTimes(sut, '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z');
      expect(times).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    });

    it('fires 01:30 on every local day of a year exactly once', () => {
      const sut = new CronRule('30 1 * * *', zone);
      const days = local(dueTimes(sut, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'), zone).map((t) => t.slice(0, 10));
      expect(new Set(days).size).toBe(365);
      expect(days).toHaveLength(365);
    });
  });

  describe('Asia/Kolkata (no DST)', () => {
    const zone = 'Asia/Kolkata';

    it('fires weekdays at 06:00 IST (00:30Z), unmoved by the US and EU changes', () => {
      const sut = new CronRule('0 6 * * 1-5', zone);
      // the weeks holding the US spring-forward (Sun 8 March) and the EU one (Sun 29 March)
      for (const [from, to] of [
        ['2026-03-06T00:00:00Z', '2026-03-13T00:00:00Z'],
        ['2026-03-27T00:00:00Z', '2026-04-03T00:00:00Z'],
      ]) {
        const times = dueTimes(sut, from, to);
        expect(times).toHaveLength(5);
        for (const t of times) {
          expect(t).toMatch(/T00:30:00\.000Z$/);
          expect(formatInZone(at(t), zone)).toMatch(/T06:00:00\+05:30$/);
        }
      }
    });
  });

  it('reads a 6-field expression with a leading seconds field', () => {
    const sut = new CronRule('*/15 * * * * *', 'UTC');
    expect(dueTimes(sut, '2026-01-01T12:00:00Z', '2026-01-01T12:01:00Z')).toEqual([
      '2026-01-01T12:00:15.000Z',
      '2026-01-01T12:00:30.000Z',
      '2026-01-01T12:00:45.000Z',
      '2026-01-01T12:01:00.000Z',
    ]);
  });

  it.each([
    ['@hourly', 'UTC', '2026-01-01T13:00:00.000Z'],
    ['@daily', 'UTC', '2026-01-02T00:00:00.000Z'],
    ['@midnight', 'UTC', '2026-01-02T00:00:00.000Z'],
    ['@daily', 'Asia/Kolkata', '2026-01-01T18:30:00.000Z'],
    ['@weekly', 'UTC', '2026-01-04T00:00:00.000Z'],
    ['@monthly', 'UTC', '2026-02-01T00:00:00.000Z'],
    ['@yearly', 'UTC', '2027-01-01T00:00:00.000Z'],
    ['@annually', 'UTC', '2027-01-01T00:00:00.000Z'],
  ])('understands the alias %s in %s', (expression, zone, next) => {
    expect(iso(new CronRule(expression, zone).nextAfter(at('2026-01-01T12:00:00Z')))).toBe(next);
  });

  it('is exclusive and whole-second: nextAfter(t) > t, even from a fraction of a second', () => {
    const sut = new CronRule('* * * * * *', 'UTC');
    expect(iso(sut.nextAfter(at('2026-01-01T12:00:00.000Z')))).toBe('2026-01-01T12:00:01.000Z');
    expect(iso(sut.nextAfter(at('2026-01-01T12:00:00.400Z')))).toBe('2026-01-01T12:00:01.000Z');
  });

  it('finds the previous due time consistently with the forward walk, across DST', () => {
    const sut = new CronRule('30 2 * * *', 'America/New_York');
    expect(iso(sut.previousBefore(at('2026-03-08T12:00:00Z')))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(sut.previousBefore(at('2026-03-08T07:30:00Z')))).toBe('2026-03-07T07:30:00.000Z');
    expect(iso(new CronRule('30 1 * * *', 'America/New_York').previousBefore(at('2026-11-01T12:00:00Z')))).toBe('2026-11-01T05:30:00.000Z');
  });
});

describe(IntervalRule.name, () => {
  const sut = new IntervalRule(90, at('2026-01-01T00:00:00Z'));

  it('steps on the grid of its anchor, both ways, exclusive', () => {
    expect(iso(sut.nextAfter(at('2026-01-01T00:00:00Z')))).toBe('2026-01-01T00:01:30.000Z');
    expect(iso(sut.nextAfter(at('2026-01-01T00:02:00Z')))).toBe('2026-01-01T00:03:00.000Z');
    expect(iso(sut.previousBefore(at('2026-01-01T00:03:00Z')))).toBe('2026-01-01T00:01:30.000Z');
    expect(iso(sut.previousBefore(at('2026-01-01T00:03:00.001Z')))).toBe('2026-01-01T00:03:00.000Z');
    expect(iso(sut.previousBefore(at('2025-12-31T23:59:00Z')))).toBe('2025-12-31T23:58:30.000Z');
  });

  it('does not drift across DST: it counts real seconds', () => {
    const hourly = new IntervalRule(3600, at('2026-11-01T04:00:00Z'));
    expect(dueTimes(hourly, '2026-11-01T04:00:00Z', '2026-11-01T08:00:00Z')).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T06:00:00.000Z',
      '2026-11-01T07:00:00.000Z',
      '2026-11-01T08:00:00.000Z',
    ]);
  });
});

describe(validateRule.name, () => {
  const now = at('2026-01-01T00:00:00Z');
  const problem = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err as { code: string; details: { field: string; reason: string }[] };
    }
    throw new Error('expected a validation error');
  };

  it.each([
    ['an hour of 25', { cron: '0 25 * * *' }, 'cron', /hour/],
    ['four fields', { cron: '* * * *' }, 'cron', /five or six/],
    ['seven fields (years)', { cron: '0 0 0 1 1 * 2030' }, 'cron', /5 or 6/],
    ['letters', { cron: 'a b c d e' }, 'cron', /illegal characters/],
    ['a zero step', { cron: '*/0 * * * *' }, 'cron', /stepping/],
    ['@reboot', { cron: '@reboot' }, 'cron', /not a schedule/],
    ['a date that never comes', { cron: '0 0 30 2 *' }, 'cron', /never fires/],
    ['neither rule', {}, 'cron', /either cron or interval_seconds/],
    ['both rules', { cron: '* * * * *', interval_seconds: 60 }, 'interval_seconds', /cannot be combined/],
  ])('refuses %s with the field', (_what, spec, field, reason) => {
    const err = problem(() => validateRule({ timezone: 'UTC', ...spec }, now));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.details).toEqual([{ field, reason: expect.stringMatching(reason) }]);
  });

  it('refuses an unknown zone with the timezone field', () => {
    const err = problem(() => validateRule({ cron: '0 6 * * *', timezone: 'Mars/Olympus' }, now));
    expect(err.details).toEqual([{ field: 'timezone', reason: expect.stringMatching(/IANA/) }]);
  });

  it('accepts an interval and returns a rule anchored at now', () => {
    expect(iso(validateRule({ interval_seconds: 90, timezone: 'UTC' }, now).nextAfter(now))).toBe('2026-01-01T00:01:30.000Z');
    expect(ruleOf({ interval_seconds: 1, timezone: 'UTC' }, now).kind).toBe('interval');
  });
});
