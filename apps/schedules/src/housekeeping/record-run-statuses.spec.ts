import { fakeDataSource, FixedClock } from '../../test/factories/schedule.factory';
import { SchedulerLoop } from '../firing/scheduler-loop';
import { ScheduleFiresRepository } from '../schedules/schedule-fires.repository';
import { SchedulesRepository } from '../schedules/schedules.repository';
import { RecordRunStatuses } from './record-run-statuses';

describe(RecordRunStatuses.name, () => {
  const clock = new FixedClock(new Date('2026-05-31T12:00:05Z'));
  const at = new Date('2026-05-31T12:00:00Z');
  let fires: { applyExecutionStatus: jest.Mock; promoteBuffered: jest.Mock };
  let schedules: { lockMany: jest.Mock; setLastStatus: jest.Mock };
  let loop: { wakeScan: jest.Mock };
  let sut: RecordRunStatuses;

  beforeEach(() => {
    fires = { applyExecutionStatus: jest.fn().mockResolvedValue(true), promoteBuffered: jest.fn().mockResolvedValue(0) };
    schedules = { lockMany: jest.fn(async (_m, ids: string[]) => [...ids].sort()), setLastStatus: jest.fn() };
    loop = { wakeScan: jest.fn() };
    sut = new RecordRunStatuses(
      fakeDataSource().ds,
      fires as unknown as ScheduleFiresRepository,
      schedules as unknown as SchedulesRepository,
      loop as unknown as SchedulerLoop,
      clock,
    );
  });

  it('applies each status to its fire under the event rules, then the schedule follows it', async () => {
    const applied = await sut.record(
      [
        { scheduleId: 'sch_b', executionId: 'exe_1', status: 'running' },
        { scheduleId: 'sch_a', executionId: 'exe_2', status: 'succeeded' },
      ],
      at,
    );
    expect(applied).toHaveLength(2);
    expect(schedules.lockMany).toHaveBeenCalledWith(expect.anything(), ['sch_b', 'sch_a']);
    expect(fires.applyExecutionStatus).toHaveBeenCalledWith(expect.anything(), 'sch_b', 'exe_1', 'running', at);
    expect(schedules.setLastStatus).toHaveBeenCalledWith(expect.anything(), 'sch_a', 'exe_2', 'succeeded');
    // only a run that ended lets a buffered fire start
    expect(fires.promoteBuffered).toHaveBeenCalledWith(expect.anything(), ['sch_a'], clock.now());
    expect(loop.wakeScan).not.toHaveBeenCalled();
  });

  it('never overwrites a newer status: a fire the status does not apply to leaves the schedule alone', async () => {
    fires.applyExecutionStatus.mockResolvedValue(false);
    expect(await sut.record([{ scheduleId: 'sch_a', executionId: 'exe_1', status: 'failed' }], at)).toEqual([]);
    expect(schedules.setLastStatus).not.toHaveBeenCalled();
    expect(fires.promoteBuffered).toHaveBeenCalledWith(expect.anything(), [], clock.now());
  });

  it('skips schedules deleted meanwhile, and starts a promoted buffered fire at once', async () => {
    schedules.lockMany.mockResolvedValue(['sch_a']);
    fires.promoteBuffered.mockResolvedValue(1);
    await sut.record(
      [
        { scheduleId: 'sch_a', executionId: 'exe_1', status: 'failed' },
        { scheduleId: 'sch_gone', executionId: 'exe_2', status: 'failed' },
      ],
      at,
    );
    expect(fires.applyExecutionStatus).toHaveBeenCalledTimes(1);
    expect(loop.wakeScan).toHaveBeenCalled();
  });
});
