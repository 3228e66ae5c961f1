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
});
