import { CreateAgentUseCase } from '../create-agent/create-agent.use-case';
import { ctx } from '../../../test/factories/agent.factory';
import { findTemplate } from '../templates/template-registry';
import { UseTemplateUseCase } from './use-template.use-case';

describe(UseTemplateUseCase.name, () => {
  const create = { execute: jest.fn().mockResolvedValue({ id: 'agt_x' }) };
  const sut = new UseTemplateUseCase(create as unknown as CreateAgentUseCase);

  beforeEach(() => create.execute.mockClear());

  it('creates from the template with its name, a copy of its definition and merged LLM defaults', async () => {
    await sut.execute(ctx, { template_id: 'lead-qualification', llm: { connection_id: 'con_01' } });
    const template = findTemplate('lead-qualification')!;
    const [, req] = create.execute.mock.calls[0];
    expect(req).toMatchObject({
      name: template.name,
      slug: undefined,
      tags: template.tags,
      llm: { model: 'gpt-4o-mini', connection_id: 'con_01' },
    });
    expect(req.definition).toEqual(template.definition);
    expect(req.definition).not.toBe(template.definition);
  });

  it('passes the caller name and slug through', async () => {
    await sut.execute(ctx, { template_id: 'email-triage', name: 'Inbox', slug: 'inbox' });
    expect(create.execute.mock.calls[0][1]).toMatchObject({ name: 'Inbox', slug: 'inbox' });
  });

  it('answers NOT_FOUND for an unknown template', () => {
    expect(() => sut.execute(ctx, { template_id: 'nope' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
