import { AppError } from '@agentry/common';
import { fakeDataSource, FixedClock, silentLogger, testConfig } from '../../test/factories/schedule.factory';
import { FireToStart, ScheduleFiresRepository } from '../schedules/schedule-fires.repository';
import { SchedulesRepository } from '../schedules/schedules.repository';
import { ExecutionsStarter } from './executions-starter';
import { retryDelayMs, RunStarter } from './run-starter';

const fire = (id: string, attempts = 0): FireToStart => ({
  id,
  scheduleId: `sch_${id}`,
  workspaceId: 'wks_test',
  agentId: 'agt_test',
  dueAt: new Date('2026-05-01T10:00:00Z'),
  trigger: 'schedule',
  input: {},
  attempts,
  plan: 'pro',
});

describe(retryDelayMs.name, () => {
  it('doubles from 1 s to at most 60 s, with ±25 % jitter', () => {
    expect([1, 2, 3, 7, 30].map((n) => retryDelayMs(n, () => 0.5))).toEqual([1_000, 2_000, 4_000, 60_000, 60_000]);
    expect(retryDelayMs(1, () => 0)).toBe(750);
    expect(retryDelayMs(1, () => 1)).toBe(1_250);
  });
});

describe(RunStarter.name, () => {
  const clock = new FixedClock(new Date('2026-05-01T10:00:01Z'));
  let fires: Record<'recordStarted' | 'recordRetry' | 'recordFailed' | 'promoteBuffered' | 'release', jest.Mock>;
  let schedules: { lockMany: jest.Mock };
  let executions: { start: jest.Mock };
  let sut: RunStarter;

  beforeEach(() => {
    fires = {
      recordStarted: jest.fn(),
      recordRetry: jest.fn(),
      recordFailed: jest.fn(async (_m, failed: { id: string }[]) => failed.map((f) => `sch_${f.id}`)),
      promoteBuffered: jest.fn(),
      release: jest.fn().mockResolvedValue(undefined),
    };
    schedules = { lockMany: jest.fn() };
    executions = { start: jest.fn() };
    sut = new RunStarter(
      fakeDataSource().ds,
      fires as unknown as ScheduleFiresRepository,
      schedules as unknown as SchedulesRepository,
      executions as unknown as ExecutionsStarter,
      clock,
      testConfig({ SCHEDULES_START_CONCURRENCY: 2 }),
      silentLogger,
    );
  });

  it('records a started run with its execution', async () => {
    executions.start.mockResolvedValue({ executionId: 'exe_1', status: 'queued' });
    expect(await sut.startNow(fire('a'))).toMatchObject({ kind: 'started', executionId: 'exe_1' });
    expect(schedules.lockMany).toHaveBeenCalledWith(expect.anything(), ['sch_a']);
    expect(fires.recordStarted).toHaveBeenCalledWith(expect.anything(), [{ id: 'a', executionId: 'exe_1', status: 'queued' }], clock.now());
  });

  it('keeps the fire pending with a later attempt when the executions service cannot take it', async () => {
    executions.start.mockRejectedValue(new AppError('SERVICE_UNAVAILABLE', 'The executions service is not running'));
    expect((await sut.startNow(fire('b', 2))).kind).toBe('retry');
    const [[, [retry]]] = fires.recordRetry.mock.calls;
    expect(retry).toMatchObject({ id: 'b', error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(retry.retryAt.getTime() - clock.at.getTime()).toBeGreaterThanOrEqual(3_000); // third attempt: 4 s ± 25 %
    expect(fires.recordFailed).toHaveBeenCalledWith(expect.anything(), []);
  });

  it('fails the fire for good on a refusal, and lets a buffered fire of its schedule go', async () => {
    executions.start.mockRejectedValue(new AppError('AGENT_PAUSED', 'Agent agt_test is paused'));
    expect((await sut.startNow(fire('c'))).kind).toBe('failed');
    expect(fires.recordFailed).toHaveBeenCalledWith(expect.anything(), [
      { id: 'c', error: { code: 'AGENT_PAUSED', message: 'Agent agt_test is paused' } },
    ]);
    expect(fires.promoteBuffered).toHaveBeenCalledWith(expect.anything(), ['sch_c'], clock.now());
  });

  it('treats an unexpected exception as retryable', async () => {
    executions.start.mockRejectedValue(new Error('socket hang up'));
    expect(await sut.startNow(fire('d'))).toMatchObject({ kind: 'retry', error: { code: 'INTERNAL' } });
  });

  it('starts queued fires at most SCHEDULES_START_CONCURRENCY at a time, records them in batches, and hands back the rest on stop', async () => {
    let inFlight = 0;
    let peak = 0;
    const answers: (() => void)[] = [];
    executions.start.mockImplementation(
      () =>
        new Promise((resolve) => {
          peak = Math.max(peak, ++inFlight);
          answers.push(() => {
            inFlight--;
            resolve({ executionId: 'exe', status: 'queued' });
          });
        }),
    );
    sut.enqueue([fire('1'), fire('2'), fire('3'), fire('4')]);
    expect(peak).toBe(2);
    answers.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(peak).toBe(2);
    const stopping = sut.stop(1_000);
    answers.splice(0).forEach((a) => a());
    await stopping;
    const recorded = fires.recordStarted.mock.calls.flatMap(([, rows]) => rows.map((r: { id: string }) => r.id));
    expect(recorded.sort()).toEqual(['1', '2', '3']);
    expect(fires.release).toHaveBeenCalledWith(['4'], clock.now());
  });
});
