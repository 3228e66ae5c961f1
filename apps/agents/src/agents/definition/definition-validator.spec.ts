import { AppError } from '@agentry/common';
import { DefinitionValidator, MAX_DEFINITION_BYTES } from './definition-validator';

const step = (id: string, type: string, w: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id,
  type,
  with: w,
  ...extra,
});
const transform = (id: string, expression = 'input') => step(id, 'transform', { expression });
const fields = (details: { field: string }[]) => details.map((d) => d.field);

describe(DefinitionValidator.name, () => {
  const sut = new DefinitionValidator();

  it('accepts a definition using every step type', () => {
    const definition = {
      input_schema: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
      steps: [
        transform('prep', '{ "email": $lowercase(input.email) }'),
        step('fetch', 'http', {
          method: 'post',
          url: 'https://api.example.com/leads/{{ steps.prep.output.email }}',
          headers: { 'x-id': '{{ run.id }}' },
          body: { email: '{{ steps.prep.output.email }}' },
          timeout_ms: 5000,
        }),
        step('score', 'llm', {
          connection_id: 'con_01JD0000000000000000000000',
          model: 'gpt-4o-mini',
          prompt: 'Score {{ $string(steps.fetch.output.body) }}',
          temperature: 0.2,
          max_tokens: 200,
          response_schema: { type: 'object', properties: { score: { type: 'integer' } } },
        }),
        step(
          'research',
          'agent',
          { model: 'gpt-4o', instructions: 'Research the company', tools: ['web.search'], max_turns: 5 },
          { if: 'steps.score.output.json.score > 50' },
        ),
        step('crm', 'tool', { name: 'hubspot.create_contact', arguments: { email: '{{ input.email }}' } }),
        step('ok', 'approval', { message: 'Contact {{ input.email }}?', timeout_ms: 3600000 }),
        step('signoff', 'approval', { message: 'Sign off?', approvals_required: 2, approvers: ['alice@example.com', 'bob@example.com'] }),
        step('wait', 'delay', { ms: 1000 }),
        step('later', 'delay', { until: '{{ $fromMillis($toMillis($now()) + 60000) }}' }),
        step('done', 'stop', { output: { email: '{{ input.email }}', score: '{{ steps.score.output.json.score }}' } }),
      ],
      output: 'steps.done.output',
    };
    expect(sut.validate(definition, { llm: { model: 'gpt-4o-mini' } })).toEqual([]);
  });

  it('rejects duplicate step ids and unknown step types', () => {
    const details = sut.validate({ steps: [transform('a'), transform('a'), step('b', 'email', {})] });
    expect(details).toEqual([
      { field: 'definition.steps[1].id', reason: 'duplicate step id "a" (also steps[0])' },
      { field: 'definition.steps[2].type', reason: expect.stringContaining('must be one of transform, http') },
    ]);
  });

  it('points at a JSONata error in a transform expression', () => {
    const details = sut.validate({ steps: [transform('ok'), transform('bad', '{ "a": 1 ')] });
    expect(details).toEqual([{ field: 'definition.steps[1].with.expression', reason: expect.stringMatching(/^JSONata: .*"}"/) }]);
  });

  it('compiles if, output and every {{ }} template in with, recursively', () => {
    const details = sut.validate({
      steps: [
        step(
          'call',
          'http',
          { method: 'POST', url: 'https://x.test', body: { items: [{ name: 'ok {{ input.name }}' }, { name: 'bad {{ input. }}' }] } },
          { if: 'input.a >' },
        ),
      ],
      output: '$sum(',
    });
    expect(fields(details).sort()).toEqual(
      ['definition.output', 'definition.steps[0].if', 'definition.steps[0].with.body.items[1].name'].sort(),
    );
    expect(details.find((d) => d.field.endsWith('items[1].name'))?.reason).toMatch(/^JSONata: .* in \{\{ input\. \}\}$/);
  });

  it('handles templates whose expression contains braces and reports unterminated ones', () => {
    const ok = step('a', 'tool', { name: 'x', arguments: { v: '{{ {"a": {"b": "}}"}} }}' } });
    expect(sut.validate({ steps: [ok] })).toEqual([]);
    const bad = step('a', 'tool', { name: 'x', arguments: { v: 'hi {{ input.name' } });
    expect(sut.validate({ steps: [bad] })).toEqual([
      { field: 'definition.steps[0].with.arguments.v', reason: expect.stringContaining('unterminated') },
    ]);
  });

  it.each([
    ['transform', {}, ['with.expression']],
    ['http', { url: 'ftp://x' }, ['with.method', 'with.url']],
    ['http', { method: 'FETCH', url: 'https://x.test', timeout_ms: -1 }, ['with.method', 'with.timeout_ms']],
    ['llm', { model: 'm' }, ['with.prompt']],
    ['llm', { model: 'm', prompt: 'p', messages: [{ role: 'user', content: 'p' }] }, ['with.messages']],
    ['llm', { prompt: 'p' }, ['with.model']],
    ['llm', { model: 'm', messages: [{ role: 'robot', content: 'x' }] }, ['with.messages']],
    ['llm', { model: 'm', prompt: 'p', connection_id: 'openai' }, ['with.connection_id']],
    ['llm', { model: 'm', prompt: 'p', response_schema: { type: 'objec' } }, ['with.response_schema.type']],
    ['agent', { model: 'm', instructions: 'i' }, ['with.tools', 'with.max_turns']],
    ['tool', { arguments: {} }, ['with.name']],
    ['approval', {}, ['with.message']],
    ['approval', { message: 'm', approvers: [] }, ['with.approvers']],
    ['approval', { message: 'm', approvers: '{{ input.approvers }}' }, ['with.approvers']],
    ['approval', { message: 'm', approvers: ['alice@example.com', 'Alice@example.com'] }, ['with.approvers']],
    ['approval', { message: 'm', approvers: ['key_01JD0000000000000000000000'] }, ['with.approvers']],
    ['approval', { message: 'm', approvers: ['link:abc'] }, ['with.approvers']],
    ['approval', { message: 'm', approvers: [' alice'] }, ['with.approvers']],
    ['approval', { message: 'm', approvers: ['x'.repeat(101)] }, ['with.approvers']],
    ['approval', { message: 'm', approvers: [42] }, ['with.approvers']],
    ['delay', {}, ['with.ms']],
    ['delay', { ms: 1, until: '2026-01-01T00:00:00Z' }, ['with.until']],
    ['delay', { until: 'tomorrow' }, ['with.until']],
    ['stop', {}, ['with.output']],
    ['transform', { expression: 'x', extra: 1 }, ['with.extra']],
  ])('checks a %s step with %j', (type, w, expected) => {
    const details = sut.validate({ steps: [step('s', type, w)] });
    expect(
      fields(details)
        .map((f) => f.replace('definition.steps[0].', ''))
        .sort(),
    ).toEqual([...expected].sort());
  });

  it('takes llm model from the agent defaults and leaves the connection to run time', () => {
    const definition = { steps: [step('s', 'llm', { prompt: 'hi' }), step('t', 'agent', { instructions: 'i', tools: [], max_turns: 3 })] };
    expect(sut.validate(definition, { llm: { model: 'gpt-4o-mini' } })).toEqual([]);
    expect(fields(sut.validate(definition, { llm: { connection_id: 'con_1' } }))).toEqual([
      'definition.steps[0].with.model',
      'definition.steps[1].with.model',
    ]);
  });

  it('accepts exact {{ }} templates where a number or object is expected', () => {
    const definition = {
      steps: [step('s', 'delay', { ms: '{{ input.wait_ms }}' }), step('t', 'tool', { name: 'x', arguments: '{{ input.args }}' })],
    };
    expect(sut.validate(definition)).toEqual([]);
    expect(fields(sut.validate({ steps: [step('s', 'delay', { ms: 'wait {{ input.wait_ms }}' })] }))).toEqual([
      'definition.steps[0].with.ms',
    ]);
  });

  it('checks input_schema as JSON Schema (2020-12 by default, draft-07 when declared)', () => {
    expect(sut.validate({ input_schema: { type: 'object', properties: { n: { type: 'numbr' } } }, steps: [] })).toEqual([
      {
        field: 'definition.input_schema.properties.n.type',
        reason: expect.stringContaining('JSON Schema: must be equal to one of the allowed values'),
      },
    ]);
    expect(sut.validate({ input_schema: { type: 'string', format: 'emial' }, steps: [] })).toEqual([
      { field: 'definition.input_schema', reason: expect.stringContaining('unknown format "emial"') },
    ]);
    expect(fields(sut.validate({ input_schema: { $ref: '#/$defs/missing' }, steps: [] }))).toEqual(['definition.input_schema']);
    const draft07 = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      definitions: { a: { type: 'string' } },
      properties: { a: { $ref: '#/definitions/a' } },
    };
    expect(sut.validate({ input_schema: draft07, steps: [] })).toEqual([]);
    expect(fields(sut.validate({ input_schema: { $schema: 'http://json-schema.org/draft-04/schema#' }, steps: [] }))).toEqual([
      'definition.input_schema.$schema',
    ]);
  });

  it('refuses patterns RE2 cannot run (backreferences, lookaround), naming the field and the step', () => {
    const definition = {
      input_schema: {
        type: 'object',
        properties: { code: { type: 'string', pattern: '^(a)\\1$' }, ok: { type: 'string', pattern: '^(a+)+$' } },
        patternProperties: { '^(?!_)': { type: 'string' } },
      },
      steps: [step('score', 'llm', { model: 'm', prompt: 'p', response_schema: { items: { pattern: '(?<=x)y' } } })],
    };
    expect(sut.validate(definition)).toEqual([
      {
        field: 'definition.input_schema.patternProperties.^(?!_)',
        reason: 'JSON Schema: pattern "^(?!_)" uses lookahead or lookbehind, which is not supported (patterns run on RE2, in linear time)',
      },
      {
        field: 'definition.input_schema.properties.code.pattern',
        reason: 'JSON Schema: pattern "^(a)\\\\1$" uses a backreference, which is not supported (patterns run on RE2, in linear time)',
      },
      { field: 'definition.steps[0].with.response_schema.items.pattern', reason: expect.stringContaining('lookahead or lookbehind') },
    ]);
  });

  it('validates the same schema with an $id twice (no state leaks between calls)', () => {
    const definition = { input_schema: { $id: 'https://example.com/lead', type: 'object' }, steps: [] };
    expect(sut.validate(definition)).toEqual([]);
    expect(sut.validate(definition)).toEqual([]);
  });

  it('rejects a definition over 256 KiB as a whole', () => {
    const big = 'x'.repeat(MAX_DEFINITION_BYTES);
    expect(sut.validate({ steps: [step('s', 'stop', { output: big })] })).toEqual([
      { field: 'definition', reason: expect.stringContaining(`at most ${MAX_DEFINITION_BYTES} bytes`) },
    ]);
  });

  it('throws INVALID_INPUT "Invalid agent definition" with the details', () => {
    expect.assertions(3);
    try {
      sut.assertValid({ steps: [transform('a', '(')] });
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).toPayload()).toMatchObject({ code: 'INVALID_INPUT', message: 'Invalid agent definition' });
      expect((err as AppError).details?.[0].field).toBe('definition.steps[0].with.expression');
    }
  });
});
