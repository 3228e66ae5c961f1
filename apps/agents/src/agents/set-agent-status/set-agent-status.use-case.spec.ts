import { Outbox } from '@agentry/common';
import { anAgent, ctx, fakeDataSource, fakeOutbox, fakeRepository } from '../../../test/factories/agent.factory';
import { AgentsRepository } from '../agents.repository';
import { SetAgentStatusUseCase } from './set-agent-status.use-case';

describe(SetAgentStatusUseCase.name, () => {
  let repo: ReturnType<typeof fakeRepository>;
  let outbox: ReturnType<typeof fakeOutbox>;
  let sut: SetAgentStatusUseCase;

  beforeEach(() => {
    repo = fakeRepository();
    outbox = fakeOutbox();
    sut = new SetAgentStatusUseCase(fakeDataSource().ds, repo as unknown as AgentsRepository, outbox as unknown as Outbox);
  });

  it('pauses an active agent and publishes updated', async () => {
    repo.findByRef.mockResolvedValue(anAgent({ status: 'active' }));
    expect((await sut.execute(ctx, 'echo', 'paused')).status).toBe('paused');
    expect(outbox.add).toHaveBeenCalledWith(
      expect.anything(),
      'agentry.agents.updated',
      'wks_test',
      expect.objectContaining({ status: 'paused' }),
    );
    expect(outbox.flush).toHaveBeenCalledTimes(1);
  });

  it('is idempotent: the current status writes and publishes nothing', async () => {
    repo.findByRef.mockResolvedValue(anAgent({ status: 'active' }));
    expect((await sut.execute(ctx, 'echo', 'active')).status).toBe('active');
    expect(repo.update).not.toHaveBeenCalled();
    expect(outbox.add).not.toHaveBeenCalled();
    expect(outbox.flush).not.toHaveBeenCalled();
  });

  it('answers NOT_FOUND for an unknown agent', async () => {
    repo.findByRef.mockResolvedValue(null);
    await expect(sut.execute(ctx, 'nope', 'paused')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
