import { aSchedule } from '../../../test/factories/schedule.factory';
import { applySchedulePatch, nullFieldsIn } from './schedule-patch';

describe(applySchedulePatch.name, () => {
  const now = new Date('2026-05-01T12:00:00.500Z');

  it('switches a cron schedule to an interval (and back), rescheduling from now', () => {
    const s = aSchedule({ cron: '0 6 * * *', intervalSeconds: null, timezone: 'Asia/Kolkata' });
    expect(applySchedulePatch(s, { interval_seconds: 90 }, now)).toEqual({ changed: true, rescheduled: true });
    expect(s).toMatchObject({ cron: null, intervalSeconds: 90, nextRunAt: new Date('2026-05-01T12:01:30.500Z'), updatedAt: now });
    applySchedulePatch(s, { cron: '0  6 * * *' }, now);
    expect(s).toMatchObject({ cron: '0 6 * * *', intervalSeconds: null, nextRunAt: new Date('2026-05-02T00:30:00Z') });
  });

  it('refuses both rules at once, or a bad one, with the field', () => {
    expect(() => applySchedulePatch(aSchedule(), { cron: '* * * * *', interval_seconds: 5 }, now)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', details: [{ field: 'interval_seconds', reason: expect.any(String) }] }),
    );
    expect(() => applySchedulePatch(aSchedule(), { cron: '61 * * * *' }, now)).toThrow(
      expect.objectContaining({ details: [{ field: 'cron', reason: expect.stringMatching(/minute/) }] }),
    );
  });

  it('changes nothing for a body that repeats the schedule', () => {
    const s = aSchedule({ intervalSeconds: 10, overlapPolicy: 'skip', input: { a: 1 } });
    const before = { ...s };
    expect(applySchedulePatch(s, { interval_seconds: 10, overlap_policy: 'skip', input: { a: 1 } }, now)).toEqual({
      changed: false,
      rescheduled: false,
    });
    expect(s).toEqual(before);
  });

  it('keeps next_run_at for changes that do not touch when it fires', () => {
    const s = aSchedule();
    const next = s.nextRunAt;
    expect(applySchedulePatch(s, { input: { b: 2 }, catchup: 'all', catchup_window_seconds: 3600 }, now)).toEqual({
      changed: true,
      rescheduled: false,
    });
    expect(s.nextRunAt).toEqual(next);
  });

  it('enabling through PATCH resumes from now and clears the pause', () => {
    const s = aSchedule({ enabled: false, pausedNote: 'later', pausedAt: now, nextRunAt: new Date('2026-01-01T00:00:00Z') });
    expect(applySchedulePatch(s, { enabled: true }, now).rescheduled).toBe(true);
    expect(s).toMatchObject({ enabled: true, pausedNote: null, pausedAt: null });
    expect(s.nextRunAt!.getTime()).toBeGreaterThan(now.getTime());
  });
});

describe(nullFieldsIn.name, () => {
  it('names the fields sent as null', () => {
    expect(nullFieldsIn({ cron: null, input: {} } as never)).toEqual(['cron']);
  });
});
