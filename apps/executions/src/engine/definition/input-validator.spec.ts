import { compileInputSchema } from './input-validator';

describe(compileInputSchema.name, () => {
  const sut = compileInputSchema({
    type: 'object',
    required: ['email', 'size'],
    additionalProperties: false,
    properties: {
      email: { type: 'string', format: 'email' },
      size: { enum: ['s', 'm'] },
      nested: { type: 'object', properties: { n: { type: 'integer' } } },
    },
  });

  it('accepts a valid input', () => {
    expect(sut({ email: 'a@b.co', size: 's', nested: { n: 1 } })).toEqual([]);
  });

  it('names each problem with its field under input', () => {
    expect(sut({ email: 'nope', nested: { n: 1.5 }, extra: 1 })).toEqual(
      expect.arrayContaining([
        { field: 'input.size', reason: 'required' },
        { field: 'input.email', reason: 'must match format "email"' },
        { field: 'input.nested.n', reason: 'must be integer' },
        { field: 'input.extra', reason: 'unknown field' },
      ]),
    );
    expect(sut({ email: 'a@b.co', size: 'xl' })).toEqual([
      { field: 'input.size', reason: 'must be equal to one of the allowed values: "s", "m"' },
    ]);
  });

  it('accepts anything without a schema, and reads draft-07 when $schema says so', () => {
    expect(compileInputSchema(undefined)(42)).toEqual([]);
    const draft07 = compileInputSchema({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['a'] });
    expect(draft07({})).toEqual([{ field: 'input.a', reason: 'required' }]);
  });

  it('runs patterns in linear time: `^(a+)+$` on 32 a and a "!" answers (JavaScript RegExp would hang)', () => {
    const check = compileInputSchema({
      type: 'object',
      properties: { name: { type: 'string', pattern: '^(a+)+$' } },
      patternProperties: { '^(b+)+$': { type: 'integer' } },
    });

    expect(check({ name: `${'a'.repeat(32)}!`, [`${'b'.repeat(32)}!`]: 'not an integer, but the key does not match' })).toEqual([
      { field: 'input.name', reason: 'must match pattern "^(a+)+$"' },
    ]);
    expect(check({ name: 'aaaa', bbb: 1 })).toEqual([]);
  });

  it('refuses every input of a schema saved before patterns ran on RE2, and says why', () => {
    const check = compileInputSchema({ type: 'string', pattern: '^(a)\\1$' });

    expect(check('aa')).toEqual([
      { field: 'input', reason: expect.stringMatching(/^the agent's input_schema does not compile: .*backreference/) },
    ]);
  });
});
