import { Outbox } from '@agentry/common';
import { aDefinition, ctx, fakeDataSource, fakeOutbox, fakeRepository, uniqueViolation } from '../../../test/factories/agent.factory';
import { AgentsRepository } from '../agents.repository';
import { DefinitionValidator } from '../definition/definition-validator';
import { CreateAgentUseCase } from './create-agent.use-case';

describe(CreateAgentUseCase.name, () => {
  let repo: ReturnType<typeof fakeRepository>;
  let outbox: ReturnType<typeof fakeOutbox>;
  let sut: CreateAgentUseCase;

  beforeEach(() => {
    repo = fakeRepository();
    outbox = fakeOutbox();
    sut = new CreateAgentUseCase(
      fakeDataSource().ds,
      repo as unknown as AgentsRepository,
      outbox as unknown as Outbox,
      new DefinitionValidator(),
    );
  });

  it('creates version 1 and publishes created after commit', async () => {
    const view = await sut.execute(ctx, { name: 'Lead Scorer', definition: aDefinition() });
    expect(view).toMatchObject({ slug: 'lead-scorer', version: 1, status: 'active', llm: null, max_concurrency: 10 });
    expect(outbox.add).toHaveBeenCalledWith(
      expect.anything(),
      'agentry.agents.created',
      'wks_test',
      expect.objectContaining({
        agent_id: view.id,
        slug: 'lead-scorer',
        version: 1,
        status: 'active',
        name: 'Lead Scorer',
        definition: aDefinition(),
      }),
    );
    expect(outbox.flush).toHaveBeenCalledTimes(1);
  });

  it('suffixes a derived slug that is taken, and tries the next one after a race', async () => {
    repo.slugsLike.mockResolvedValueOnce(['lead-scorer']).mockResolvedValueOnce(['lead-scorer', 'lead-scorer-2']);
    repo.insert.mockRejectedValueOnce(uniqueViolation('agents_workspace_id_slug_key'));
    const view = await sut.execute(ctx, { name: 'Lead Scorer', definition: aDefinition() });
    expect(view.slug).toBe('lead-scorer-3');
    expect(repo.insert).toHaveBeenCalledTimes(2);
  });

  it('answers CONFLICT when the slug the caller gave is taken', async () => {
    repo.insert.mockRejectedValue(uniqueViolation('agents_workspace_id_slug_key'));
    await expect(sut.execute(ctx, { name: 'x', slug: 'mine', definition: aDefinition() })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: [{ field: 'slug', reason: 'already taken' }],
    });
    expect(repo.slugsLike).not.toHaveBeenCalled();
    expect(outbox.flush).not.toHaveBeenCalled();
  });

  it('rejects an invalid definition before touching the database', async () => {
    await expect(sut.execute(ctx, { name: 'x', definition: { steps: [{ id: 'a', type: 'http', with: {} }] } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: [{ field: 'definition.steps[0].with.method' }, { field: 'definition.steps[0].with.url' }],
    });
    expect(repo.insert).not.toHaveBeenCalled();
  });
});
