import { ExecutionsRpc } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { FixedClock, silentLogger, testConfig } from '../../test/factories/schedule.factory';
import { ServiceRpcClient } from '../rpc/service-rpc.client';
import { FireHousekeepingRepository, QuietFire } from './fire-housekeeping.repository';
import { ReconcileFires } from './reconcile-fires';
import { ObservedStatus, RecordRunStatuses } from './record-run-statuses';

const quiet = (n: number, executionStatus: QuietFire['executionStatus'] = 'running'): QuietFire => ({
  id: `sfr_${n}`,
  scheduleId: `sch_${n}`,
  workspaceId: `wks_${n}`,
  executionId: `exe_${n}`,
  executionStatus,
});

describe(ReconcileFires.name, () => {
  const clock = new FixedClock(new Date('2026-05-31T12:00:00Z'));
  let repo: { claimQuiet: jest.Mock };
  let rpc: { call: jest.Mock };
  let record: { record: jest.Mock };
  let runs: Record<string, string | AppError>;
  let sut: ReconcileFires;

  beforeEach(() => {
    runs = {};
    repo = { claimQuiet: jest.fn().mockResolvedValue([]) };
    rpc = {
      call: jest.fn(async (_subject, data: { execution: string }) => {
        const run = runs[data.execution];
        if (run instanceof AppError) throw run;
        return { id: data.execution, status: run };
      }),
    };
    record = { record: jest.fn(async (observed: ObservedStatus[]) => observed) };
    sut = new ReconcileFires(
      repo as unknown as FireHousekeepingRepository,
      rpc as unknown as ServiceRpcClient,
      record as unknown as RecordRunStatuses,
      clock,
      testConfig({ SCHEDULES_RECONCILE_AFTER_MS: 600_000, SCHEDULES_RECONCILE_BATCH_SIZE: 50 }),
      silentLogger,
    );
  });

  it('looks up the runs of fires quiet for SCHEDULES_RECONCILE_AFTER_MS, in their workspace', async () => {
    repo.claimQuiet.mockResolvedValue([quiet(1)]);
    runs.exe_1 = 'running';
    await sut.round();
    expect(repo.claimQuiet).toHaveBeenCalledWith(new Date('2026-05-31T11:50:00Z'), clock.now(), 50);
    expect(rpc.call).toHaveBeenCalledWith(ExecutionsRpc.get, { execution: 'exe_1' }, { workspace_id: 'wks_1', request_id: 'sfr_1' });
  });

  it('records the statuses that changed, as of the time it started asking', async () => {
    repo.claimQuiet.mockResolvedValue([quiet(1), quiet(2, 'queued'), quiet(3, 'waiting')]);
    Object.assign(runs, { exe_1: 'succeeded', exe_2: 'running', exe_3: 'waiting' });
    expect(await sut.round()).toBe(2);
    expect(record.record).toHaveBeenCalledWith(
      [
        { scheduleId: 'sch_1', executionId: 'exe_1', status: 'succeeded' },
        { scheduleId: 'sch_2', executionId: 'exe_2', status: 'running' },
      ],
      clock.now(),
    );
  });

  it('counts only what was applied (an event may have got there first)', async () => {
    repo.claimQuiet.mockResolvedValue([quiet(1)]);
    runs.exe_1 = 'failed';
    record.record.mockResolvedValue([]);
    expect(await sut.round()).toBe(0);
  });

  it('leaves runs it cannot look up (gone, or the service did not answer) for a later round', async () => {
    repo.claimQuiet.mockResolvedValue([quiet(1), quiet(2), quiet(3)]);
    runs.exe_1 = AppError.notFound('Execution', 'exe_1');
    runs.exe_2 = new AppError('SERVICE_UNAVAILABLE', 'down');
    runs.exe_3 = 'cancelled';
    expect(await sut.round()).toBe(1);
    expect(record.record).toHaveBeenCalledWith([{ scheduleId: 'sch_3', executionId: 'exe_3', status: 'cancelled' }], clock.now());
  });

  it('does nothing when no fire is quiet', async () => {
    expect(await sut.round()).toBe(0);
    expect(rpc.call).not.toHaveBeenCalled();
    expect(record.record).not.toHaveBeenCalled();
  });

  it('stops asking on shutdown', async () => {
    repo.claimQuiet.mockResolvedValue([quiet(1), quiet(2)]);
    expect(await sut.round(() => false)).toBe(0);
    expect(rpc.call).not.toHaveBeenCalled();
  });
});
