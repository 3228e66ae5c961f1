import { parseAndValidate } from '@agentry/common';
import { CreateAgentRequest } from '@agentry/contracts';
import { agentFactory, agentInputFactory } from './agent.factory';

describe(agentFactory.name, () => {
  it('builds a body that CreateAgentRequest validation accepts, unknown fields included', async () => {
    const sut = agentFactory();

    await expect(parseAndValidate(CreateAgentRequest, sut)).resolves.toBeInstanceOf(CreateAgentRequest);
  });

  it('builds a two-step transform agent with an input schema', () => {
    const sut = agentFactory();

    expect(sut.definition.steps.map((s) => [s.id, s.type])).toEqual([
      ['normalize', 'transform'],
      ['score', 'transform'],
    ]);
    expect(sut.definition.input_schema).toMatchObject({ type: 'object', required: ['email', 'employees'] });
  });

  it('gives every agent its own name and slug', () => {
    const [a, b] = [agentFactory(), agentFactory()];

    expect(a.slug).not.toBe(b.slug);
    expect(a.name).not.toBe(b.name);
  });

  it('applies overrides', () => {
    expect(agentFactory({ name: 'Mine', tags: [] })).toMatchObject({ name: 'Mine', tags: [] });
  });

  it('makes inputs that fit the input schema', () => {
    const input = agentInputFactory({ employees: 3 });

    expect(input).toEqual({ email: expect.stringContaining('@'), employees: 3 });
  });
});
