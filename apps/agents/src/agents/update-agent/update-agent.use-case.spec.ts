import { AppError, Outbox } from '@agentry/common';
import {
  aDefinition,
  anAgent,
  ctx,
  fakeDataSource,
  fakeOutbox,
  fakeRepository,
  uniqueViolation,
} from '../../../test/factories/agent.factory';
import { AgentsRepository } from '../agents.repository';
import { DefinitionValidator } from '../definition/definition-validator';
import { UpdateAgentUseCase } from './update-agent.use-case';

describe(UpdateAgentUseCase.name, () => {
  let repo: ReturnType<typeof fakeRepository>;
  let outbox: ReturnType<typeof fakeOutbox>;
  let sut: UpdateAgentUseCase;

  beforeEach(() => {
    repo = fakeRepository();
    outbox = fakeOutbox();
    sut = new UpdateAgentUseCase(
      fakeDataSource().ds,
      repo as unknown as AgentsRepository,
      outbox as unknown as Outbox,
      new DefinitionValidator(),
    );
  });

  it('bumps the version, records it and publishes updated when the definition changes', async () => {
    repo.findByRef.mockResolvedValue(anAgent({ version: 3 }));
    const view = await sut.execute(ctx, 'echo', { definition: aDefinition('input.x') });
    expect(view.version).toBe(4);
    expect(repo.insertVersion).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ version: 4 }));
    expect(repo.update).toHaveBeenCalledTimes(1);
    expect(outbox.add).toHaveBeenCalledWith(
      expect.anything(),
      'agentry.agents.updated',
      'wks_test',
      expect.objectContaining({ version: 4, slug: 'echo' }),
    );
    expect(outbox.flush).toHaveBeenCalledTimes(1);
  });

  it('keeps the version for other changes and writes nothing for no change', async () => {
    repo.findByRef.mockResolvedValue(anAgent({ version: 2 }));
    expect((await sut.execute(ctx, 'echo', { name: 'Renamed', definition: aDefinition() })).version).toBe(2);
    expect(repo.insertVersion).not.toHaveBeenCalled();
    expect(outbox.add).toHaveBeenCalledTimes(1);

    repo.findByRef.mockResolvedValue(anAgent({ version: 2 }));
    outbox.add.mockClear();
    repo.update.mockClear();
    await sut.execute(ctx, 'echo', { definition: aDefinition() });
    expect(repo.update).not.toHaveBeenCalled();
    expect(outbox.add).not.toHaveBeenCalled();
    expect(outbox.flush).toHaveBeenCalledTimes(1);
  });

  it('answers NOT_FOUND for an unknown agent', async () => {
    repo.findByRef.mockResolvedValue(null);
    await expect(sut.execute(ctx, 'nope', { name: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers CONFLICT on slug when the new slug is taken, checked or raced', async () => {
    repo.findByRef.mockResolvedValue(anAgent());
    repo.slugTaken.mockResolvedValue(true);
    await expect(sut.execute(ctx, 'echo', { slug: 'taken' })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: [{ field: 'slug', reason: 'already taken' }],
    });

    repo.findByRef.mockResolvedValue(anAgent());
    repo.slugTaken.mockResolvedValue(false);
    repo.update.mockRejectedValue(uniqueViolation('agents_workspace_id_slug_key'));
    await expect(sut.execute(ctx, 'echo', { slug: 'raced' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('raced'),
    });
    expect(outbox.flush).not.toHaveBeenCalled();
  });

  it('validates the definition, also when only the LLM defaults it relies on change', async () => {
    repo.findByRef.mockResolvedValue(anAgent());
    await expect(sut.execute(ctx, 'echo', { definition: aDefinition('(') })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Invalid agent definition',
      details: [{ field: 'definition.steps[0].with.expression' }],
    });
    const usesDefault = { steps: [{ id: 'ask', type: 'llm' as const, with: { prompt: 'hi' } }] };
    repo.findByRef.mockResolvedValue(anAgent({ definition: usesDefault, llm: { model: 'm' } }));
    await expect(sut.execute(ctx, 'echo', { llm: null } as never)).rejects.toBeInstanceOf(AppError);
  });

  it('rejects null for fields that cannot be cleared', async () => {
    await expect(sut.execute(ctx, 'echo', { name: null } as never)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: [{ field: 'name', reason: 'cannot be null' }],
    });
  });
});
