import { Outbox } from '@agentry/common';
import { aDueSchedule, fakeDataSource, fakeOutbox, FixedClock, silentLogger, testConfig } from '../../test/factories/schedule.factory';
import { NewFire, ScheduleFiresRepository } from '../schedules/schedule-fires.repository';
import { SchedulesRepository } from '../schedules/schedules.repository';
import { FireDueSchedules } from './fire-due-schedules';
import { RunStarter } from './run-starter';

describe(FireDueSchedules.name, () => {
  const clock = new FixedClock(new Date('2026-05-01T10:00:00.300Z'));
  let schedules: { claimDue: jest.Mock; advance: jest.Mock; postpone: jest.Mock };
  let fires: { openState: jest.Mock; insertMany: jest.Mock };
  let starter: { enqueue: jest.Mock };
  let outbox: ReturnType<typeof fakeOutbox>;
  let manager: { query: jest.Mock };
  let sut: FireDueSchedules;

  beforeEach(() => {
    schedules = { claimDue: jest.fn(), advance: jest.fn(), postpone: jest.fn() };
    fires = {
      openState: jest.fn().mockResolvedValue(new Map()),
      insertMany: jest.fn(async (_m, rows: NewFire[]) => new Set(rows.map((r) => r.id))),
    };
    starter = { enqueue: jest.fn() };
    outbox = fakeOutbox();
    const { ds, manager: m } = fakeDataSource();
    manager = Object.assign(m, { query: jest.fn() });
    sut = new FireDueSchedules(
      ds,
      schedules as unknown as SchedulesRepository,
      fires as unknown as ScheduleFiresRepository,
      outbox as unknown as Outbox,
      starter as unknown as RunStarter,
      clock,
      testConfig(),
      silentLogger,
    );
  });

  const inserted = (): NewFire[] => fires.insertMany.mock.calls[0][1];
  const outboxRows = (): { subject: string; data: { fire_id: string; state: string } }[] => {
    const [, [ids, subjects, payloads]] = manager.query.mock.calls.find(([sql]) => String(sql).includes('outbox'))!;
    return (ids as string[]).map((_, i) => ({ subject: subjects[i], data: JSON.parse(payloads[i]).data }));
  };

  it('commits a fire per due schedule, moves it on, writes its event, and starts its run after commit', async () => {
    const s = aDueSchedule();
    schedules.claimDue.mockResolvedValue([s]);
    expect(await sut.round()).toBe(1);
    const [fire] = inserted();
    expect(fire).toMatchObject({
      scheduleId: s.id,
      dueAt: s.nextRunAt,
      trigger: 'schedule',
      state: 'pending',
      input: s.input,
      plan: 'pro',
    });
    expect(fire.id).toMatch(/^sfr_/);
    expect(fire.nextAttemptAt).toEqual(new Date(clock.at.getTime() + 30_000)); // the lease
    expect(schedules.advance).toHaveBeenCalledWith(manager, [
      { id: s.id, nextRunAt: new Date('2026-05-01T10:00:10Z'), lastFireId: fire.id, lastRunAt: clock.now(), runs: 1 },
    ]);
    expect(outboxRows()).toEqual([
      { subject: 'agentry.schedules.fired', data: expect.objectContaining({ fire_id: fire.id, state: 'pending' }) },
    ]);
    expect(outbox.flush).toHaveBeenCalled();
    expect(starter.enqueue).toHaveBeenCalledWith([fire]);
  });

  it('applies overlap policies with what is running: skip skips, queue buffers one, allow fires', async () => {
    const skip = aDueSchedule({ overlapPolicy: 'skip' });
    const queue = aDueSchedule({ overlapPolicy: 'queue' });
    const allow = aDueSchedule({ overlapPolicy: 'allow' });
    schedules.claimDue.mockResolvedValue([skip, queue, allow]);
    fires.openState.mockResolvedValue(
      new Map([
        [skip.id, { running: true, buffered: false }],
        [queue.id, { running: true, buffered: false }],
      ]),
    );
    await sut.round();
    expect(fires.openState).toHaveBeenCalledWith(manager, [skip.id, queue.id]);
    expect(inserted().map((f) => [f.scheduleId, f.state, f.nextAttemptAt === null])).toEqual([
      [skip.id, 'skipped', true],
      [queue.id, 'buffered', true],
      [allow.id, 'pending', false],
    ]);
    const advance: { id: string; runs: number; lastFireId: string | null }[] = schedules.advance.mock.calls[0][1];
    expect(advance.map((a) => [a.runs, a.lastFireId !== null])).toEqual([
      [0, false],
      [1, false],
      [1, true],
    ]);
    expect(outboxRows().map((r) => r.data.state)).toEqual(['buffered', 'pending']);
    expect(starter.enqueue.mock.calls[0][0].map((f: NewFire) => f.scheduleId)).toEqual([allow.id]);
  });

  it('neither announces nor starts a due time another writer already fired (a backfill got there first)', async () => {
    schedules.claimDue.mockResolvedValue([aDueSchedule()]);
    fires.insertMany.mockResolvedValue(new Set());
    await sut.round();
    expect(manager.query).not.toHaveBeenCalled();
    expect(starter.enqueue).toHaveBeenCalledWith([]);
    expect(schedules.advance.mock.calls[0][1][0]).toMatchObject({ runs: 0, lastFireId: null });
  });

  it('catches up after downtime per policy, in one round', async () => {
    const down = { nextRunAt: new Date('2026-05-01T09:50:00Z'), intervalSeconds: 60 };
    schedules.claimDue.mockResolvedValue([
      aDueSchedule({ ...down, catchup: 'all' }),
      aDueSchedule({ ...down, catchup: 'latest' }),
      aDueSchedule({ ...down, catchup: 'none' }),
    ]);
    await sut.round();
    const planned = new Map<string, string[]>();
    for (const f of inserted())
      planned.set(f.scheduleId, [...(planned.get(f.scheduleId) ?? []), `${f.dueAt.toISOString().slice(11, 16)} ${f.trigger}`]);
    const [all, latest, none] = [...planned.values()];
    expect(all).toHaveLength(11);
    expect(all.slice(0, 10).every((d) => d.endsWith('catchup'))).toBe(true);
    expect(all[10]).toBe('10:00 schedule');
    // 10:00 is on time (within the 60 s grace) and stands for the missed ones
    expect(latest).toEqual(['10:00 schedule']);
    expect(none).toEqual(['10:00 schedule']);
  });

  it('puts a schedule whose rule cannot be evaluated aside for a minute instead of failing the round', async () => {
    const broken = aDueSchedule({ cron: '0 6 * * *', intervalSeconds: null, timezone: 'Not/AZone' });
    const fine = aDueSchedule();
    schedules.claimDue.mockResolvedValue([broken, fine]);
    await sut.round();
    expect(schedules.postpone).toHaveBeenCalledWith(manager, broken.id, new Date(clock.at.getTime() + 60_000));
    expect(inserted().map((f) => f.scheduleId)).toEqual([fine.id]);
  });

  it('claims nothing and writes nothing when nothing is due', async () => {
    schedules.claimDue.mockResolvedValue([]);
    expect(await sut.round()).toBe(0);
    expect(fires.insertMany).not.toHaveBeenCalled();
    expect(outbox.flush).not.toHaveBeenCalled();
  });
});
