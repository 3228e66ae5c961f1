import { FixedClock, silentLogger, testConfig } from '../../test/factories/schedule.factory';
import { FireHousekeepingRepository } from './fire-housekeeping.repository';
import { PruneFires } from './prune-fires';

describe(PruneFires.name, () => {
  const clock = new FixedClock(new Date('2026-05-31T12:00:00Z'));
  let repo: { pruneBatch: jest.Mock };
  let sut: PruneFires;

  beforeEach(() => {
    repo = { pruneBatch: jest.fn() };
    sut = new PruneFires(
      repo as unknown as FireHousekeepingRepository,
      clock,
      testConfig({ SCHEDULES_FIRE_RETENTION_DAYS: 30, SCHEDULES_FIRE_PRUNE_BATCH_SIZE: 100 }),
      silentLogger,
    );
  });

  it('deletes settled fires due before now minus the retention, batch after batch while they come back full', async () => {
    repo.pruneBatch.mockResolvedValueOnce(100).mockResolvedValueOnce(100).mockResolvedValueOnce(42);
    expect(await sut.round()).toBe(242);
    expect(repo.pruneBatch).toHaveBeenCalledTimes(3);
    expect(repo.pruneBatch).toHaveBeenCalledWith(new Date('2026-05-01T12:00:00Z'), 100);
  });

  it('leaves the round to the replica that holds the prune lock', async () => {
    repo.pruneBatch.mockResolvedValueOnce(100).mockResolvedValueOnce(null);
    expect(await sut.round()).toBe(100);
    expect(repo.pruneBatch).toHaveBeenCalledTimes(2);
  });

  it('stops between batches on shutdown, and after a bounded number of batches per round', async () => {
    repo.pruneBatch.mockResolvedValue(100);
    let batches = 0;
    expect(await sut.round(() => ++batches <= 2)).toBe(200);
    repo.pruneBatch.mockClear();
    await sut.round();
    expect(repo.pruneBatch).toHaveBeenCalledTimes(200);
  });
});
