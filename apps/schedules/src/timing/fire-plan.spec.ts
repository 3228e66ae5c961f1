import { CatchupPolicy } from '@agentry/contracts';
import { overlapDecision, OverlapState, PlanInput, planFires } from './fire-plan';
import { CronRule, IntervalRule } from './schedule-rule';

const at = (iso: string) => new Date(iso);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Every 10 minutes on the hour's grid; the scheduler was last up at 10:00 and comes back at `now`. */
function input(catchup: CatchupPolicy, now: string, overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    rule: new IntervalRule(600, at('2026-05-01T10:00:00Z')),
    nextRunAt: at('2026-05-01T10:10:00Z'),
    now: at(now),
    catchup,
    catchupWindowMs: 24 * HOUR,
    graceMs: MINUTE,
    maxFires: 100,
    ...overrides,
  };
}

const due = (plan: ReturnType<typeof planFires>) => plan.fires.map((f) => `${f.dueAt.toISOString().slice(11, 16)} ${f.trigger}`);

describe(planFires.name, () => {
  it('plans nothing before the due time', () => {
    const plan = planFires(input('all', '2026-05-01T10:09:59Z'));
    expect(plan).toEqual({ fires: [], nextRunAt: at('2026-05-01T10:10:00Z'), dropped: 0 });
  });

  it('fires an on-time due time and moves on to the next', () => {
    const plan = planFires(input('none', '2026-05-01T10:10:00.200Z'));
    expect(due(plan)).toEqual(['10:10 schedule']);
    expect(plan.nextRunAt).toEqual(at('2026-05-01T10:20:00Z'));
  });

  it('fires every due time within the grace, whatever the catch-up policy (a slow round is not downtime)', () => {
    const rule = new CronRule('* * * * * *', 'UTC');
    for (const catchup of ['none', 'latest', 'all'] as const) {
      const plan = planFires(input(catchup, '2026-05-01T10:10:03Z', { rule, nextRunAt: at('2026-05-01T10:10:00Z') }));
      expect(plan.fires.map((f) => f.dueAt.toISOString().slice(17, 19))).toEqual(['00', '01', '02', '03']);
      expect(plan.nextRunAt).toEqual(at('2026-05-01T10:10:04Z'));
    }
  });

  describe('after two hours of downtime (due 10:10 … 12:00, back at 12:05)', () => {
    const now = '2026-05-01T12:05:00Z';

    it('none: drops every missed due time and continues at the next one', () => {
      const plan = planFires(input('none', now));
      expect(plan.fires).toEqual([]);
      expect(plan.nextRunAt).toEqual(at('2026-05-01T12:10:00Z'));
      expect(plan.dropped).toBeGreaterThan(0);
    });

    it('latest: one catch-up run for the most recent missed due time', () => {
      const plan = planFires(input('latest', now));
      expect(due(plan)).toEqual(['12:00 catchup']);
      expect(plan.nextRunAt).toEqual(at('2026-05-01T12:10:00Z'));
    });

    it('all: each missed due time, oldest first', () => {
      const plan = planFires(input('all', now));
      expect(plan.fires).toHaveLength(12);
      expect(due(plan)[0]).toBe('10:10 catchup');
      expect(due(plan)[11]).toBe('12:00 catchup');
      expect(plan.nextRunAt).toEqual(at('2026-05-01T12:10:00Z'));
    });

    it('all: only inside the catch-up window', () => {
      const plan = planFires(input('all', now, { catchupWindowMs: 30 * MINUTE }));
      expect(due(plan)).toEqual(['11:40 catchup', '11:50 catchup', '12:00 catchup']);
      expect(plan.dropped).toBe(9);
    });

    it('all: at most maxFires per round, continuing where it stopped', () => {
      const first = planFires(input('all', now, { maxFires: 5 }));
      expect(due(first)).toEqual(['10:10 catchup', '10:20 catchup', '10:30 catchup', '10:40 catchup', '10:50 catchup']);
      expect(first.nextRunAt).toEqual(at('2026-05-01T11:00:00Z'));
      const second = planFires(input('all', now, { maxFires: 100, nextRunAt: first.nextRunAt! }));
      expect(second.fires).toHaveLength(7);
    });

    it('latest: nothing when the newest missed due time is outside the window', () => {
      const plan = planFires(
        input('latest', now, { rule: new CronRule('0 6 * * *', 'UTC'), nextRunAt: at('2026-04-29T06:00:00Z'), catchupWindowMs: HOUR }),
      );
      expect(plan.fires).toEqual([]);
      expect(plan.nextRunAt).toEqual(at('2026-05-02T06:00:00Z'));
    });
  });

  it('latest and none: an on-time due time stands for the missed ones', () => {
    for (const catchup of ['none', 'latest'] as const) {
      const plan = planFires(input(catchup, '2026-05-01T12:00:30Z'));
      expect(due(plan)).toEqual(['12:00 schedule']);
      expect(plan.nextRunAt).toEqual(at('2026-05-01T12:10:00Z'));
    }
  });

  it('latest across a DST change: the catch-up run is a real due time of the zone', () => {
    const plan = planFires({
      ...input('latest', '2026-03-08T12:00:00Z'),
      rule: new CronRule('30 2 * * *', 'America/New_York'),
      nextRunAt: at('2026-03-07T07:30:00Z'),
    });
    expect(plan.fires).toEqual([{ dueAt: at('2026-03-08T07:30:00Z'), trigger: 'catchup' }]);
    expect(plan.nextRunAt).toEqual(at('2026-03-09T06:30:00Z'));
  });

  it('ends a rule that never fires again', () => {
    const rule = { kind: 'cron' as const, nextAfter: () => null, previousBefore: () => null };
    const plan = planFires(input('all', '2026-05-01T10:10:00Z', { rule }));
    expect(due(plan)).toEqual(['10:10 schedule']);
    expect(plan.nextRunAt).toBeNull();
  });
});

describe(overlapDecision.name, () => {
  const idle = (): OverlapState => ({ running: false, buffered: false });
  const busy = (): OverlapState => ({ running: true, buffered: false });

  it('allow: always starts a run', () => {
    const open = busy();
    expect([overlapDecision('allow', open), overlapDecision('allow', open)]).toEqual(['pending', 'pending']);
  });

  it('skip: starts when nothing runs, skips while one does', () => {
    expect(overlapDecision('skip', idle())).toBe('pending');
    expect(overlapDecision('skip', busy())).toBe('skipped');
    const open = idle();
    expect([overlapDecision('skip', open), overlapDecision('skip', open)]).toEqual(['pending', 'skipped']);
  });

  it('queue: one fire waits behind the running run, later ones are skipped', () => {
    const open = busy();
    expect([overlapDecision('queue', open), overlapDecision('queue', open)]).toEqual(['buffered', 'skipped']);
    expect(overlapDecision('queue', { running: true, buffered: true })).toBe('skipped');
    const fresh = idle();
    expect([overlapDecision('queue', fresh), overlapDecision('queue', fresh), overlapDecision('queue', fresh)]).toEqual([
      'pending',
      'buffered',
      'skipped',
    ]);
  });
});
