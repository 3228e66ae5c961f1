import { ListQuery } from '@agentry/contracts';
import { CreateWorkspaceRequest } from '../workspaces/workspaces.dto';
import { BodyValidationPipe, MAX_BODY_DEPTH, unstorableJson } from './body-validation.pipe';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
  return value;
}

describe(BodyValidationPipe.name, () => {
  const sut = new BodyValidationPipe();
  const body = { type: 'body' as const, metatype: CreateWorkspaceRequest };

  it('answers 400, not a stack overflow, for a body nested thousands of levels deep', async () => {
    await expect(sut.transform({ name: 'x', plan: 'pro', extra: nested(50_000) }, body)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: [{ field: 'body', reason: `must not nest deeper than ${MAX_BODY_DEPTH} levels` }],
    });
  });

  it('answers 400, not a database error, for a NUL character in a body or a query', async () => {
    await expect(sut.transform({ name: 'a\u0000b', plan: 'pro' }, body)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: [{ field: 'name', reason: 'must not contain the NUL character (\\u0000)' }],
    });
    await expect(sut.transform({ cursor: 'x\u0000' }, { type: 'query', metatype: ListQuery })).rejects.toMatchObject({
      details: [{ field: 'cursor', reason: expect.stringContaining('NUL') }],
    });
  });

  it('still validates ordinary bodies', async () => {
    await expect(sut.transform({ name: 'acme', plan: 'pro' }, body)).resolves.toBeInstanceOf(CreateWorkspaceRequest);
    await expect(sut.transform({ name: 'acme', plan: 'pro', surprise: nested(10) }, body)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: [{ field: 'surprise', reason: 'unknown field' }],
    });
  });
});

describe(unstorableJson.name, () => {
  it('counts the levels of arrays and objects', () => {
    expect(unstorableJson(nested(MAX_BODY_DEPTH - 1))).toBeNull();
    expect(unstorableJson({ a: nested(MAX_BODY_DEPTH) })).toMatchObject({ field: 'body' });
    expect(unstorableJson('text')).toBeNull();
    expect(unstorableJson({ a: 1, b: [1, 2], c: { d: null, e: 'é ✓' } })).toBeNull();
  });

  it('names where a NUL character is, in a value or a key', () => {
    expect(unstorableJson({ definition: { steps: [{ with: { output: 'x\u0000' } }] } })).toMatchObject({
      field: 'definition.steps.0.with.output',
    });
    expect(unstorableJson({ config: { 'bad\u0000key': 1 } })).toMatchObject({ field: 'config' });
  });
});
