import { UpdateAgentRequest } from '@agentry/contracts';
import { aDefinition, anAgent } from '../../../test/factories/agent.factory';
import { applyAgentPatch, mergeLlm, nullFieldsIn } from './agent-patch';

describe(applyAgentPatch.name, () => {
  it('changes nothing for an empty patch or the same values', () => {
    const sut = anAgent({ name: 'Echo', tags: ['a'] });
    expect(applyAgentPatch(sut, {})).toEqual({ changed: false, definitionChanged: false, revalidate: false, slugChanged: false });
    expect(applyAgentPatch(sut, { name: 'Echo', tags: ['a'] }).changed).toBe(false);
  });

  it('treats a definition with reordered keys as unchanged', () => {
    const sut = anAgent({
      definition: { steps: [{ id: 'a', type: 'transform', with: { expression: 'input' } }], output: 'steps.a.output' },
    });
    const reordered = JSON.parse('{"output":"steps.a.output","steps":[{"with":{"expression":"input"},"type":"transform","id":"a"}]}');
    expect(applyAgentPatch(sut, { definition: reordered })).toMatchObject({ changed: false, definitionChanged: false });
  });

  it('replaces a changed definition and asks for revalidation', () => {
    const sut = anAgent();
    const outcome = applyAgentPatch(sut, { definition: aDefinition('input.x') });
    expect(outcome).toEqual({ changed: true, definitionChanged: true, revalidate: true, slugChanged: false });
    expect(sut.definition.steps[0].with.expression).toBe('input.x');
  });

  it('clears nullable fields and merges llm key by key', () => {
    const sut = anAgent({ description: 'd', maxTokensPerRun: 5, llm: { model: 'm', connection_id: 'con_1' } });
    const patch = {
      description: null,
      max_tokens_per_run: null,
      llm: { connection_id: null, model: 'n' },
    } as unknown as UpdateAgentRequest;
    expect(applyAgentPatch(sut, patch)).toMatchObject({ changed: true, definitionChanged: false, revalidate: true });
    expect(sut).toMatchObject({ description: null, maxTokensPerRun: null, llm: { model: 'n' } });
  });

  it('reports a slug change', () => {
    expect(applyAgentPatch(anAgent({ slug: 'a' }), { slug: 'b' })).toMatchObject({ changed: true, slugChanged: true, revalidate: false });
  });
});

describe(nullFieldsIn.name, () => {
  it('lists nulls only for fields that cannot be cleared', () => {
    const patch = { name: null, description: null, definition: null, llm: null } as unknown as UpdateAgentRequest;
    expect(nullFieldsIn(patch)).toEqual(['name', 'definition']);
  });
});

describe(mergeLlm.name, () => {
  it('null clears everything; an emptied object becomes null', () => {
    expect(mergeLlm({ model: 'm' }, null)).toBeNull();
    expect(mergeLlm({ model: 'm' }, { model: null } as never)).toBeNull();
    expect(mergeLlm(null, { model: 'm' })).toEqual({ model: 'm' });
  });
});
