import { EvalScope, ExpressionError } from './expression';
import { compileValue } from './with-resolver';

const scope: EvalScope = {
  input: { name: 'Ada', items: [1, 2, 3], n: 7 },
  steps: { a: { output: { ok: true }, status: 'succeeded' } },
  run: { id: 'exe_1' },
};

describe(compileValue.name, () => {
  it('keeps the type of a string that is exactly one template', async () => {
    await expect(compileValue('{{ input.items }}', 'w').resolve(scope)).resolves.toEqual([1, 2, 3]);
    await expect(compileValue('  {{ input.n }} ', 'w').resolve(scope)).resolves.toBe(7);
    await expect(compileValue('{{ steps.a.output }}', 'w').resolve(scope)).resolves.toEqual({ ok: true });
  });

  it('makes a string of text mixed with templates, objects as JSON and missing values as empty', async () => {
    const sut = compileValue('Hi {{ input.name }}, {{ input.items }} {{ input.nothing }}!', 'w');

    await expect(sut.resolve(scope)).resolves.toBe('Hi Ada, [1,2,3] !');
  });

  it('resolves templates inside arrays and objects, and passes constants through untouched', async () => {
    const constant = { method: 'GET', headers: { a: 'b' } };
    const sut = compileValue({ url: 'https://x.test/{{ run.id }}', body: [{ v: '{{ input.n }}' }, 'plain'], keep: constant }, 'w');

    const out = (await sut.resolve(scope)) as Record<string, unknown>;

    expect(out).toEqual({ url: 'https://x.test/exe_1', body: [{ v: 7 }, 'plain'], keep: constant });
    expect(out.keep).toBe(constant);
    expect(compileValue(constant, 'w').constant).toBe(true);
  });

  it('leaves the fields a runner handles itself alone', async () => {
    const sut = compileValue({ expression: '{{ not a template here }}', other: '{{ input.n }}' }, 'w', ['expression']);

    await expect(sut.resolve(scope)).resolves.toEqual({ expression: '{{ not a template here }}', other: 7 });
  });

  it('handles braces inside a template expression', async () => {
    await expect(compileValue('{{ {"a": {"b": input.n}} }}', 'w').resolve(scope)).resolves.toEqual({ a: { b: 7 } });
  });

  it('names the place of a template that does not compile, or fails at run time', async () => {
    expect(() => compileValue({ body: { x: '{{ input. }}' } }, 'steps[0].with')).toThrow(ExpressionError);
    try {
      compileValue({ body: { x: '{{ input. }}' } }, 'steps[0].with');
    } catch (err) {
      expect((err as ExpressionError).where).toBe('steps[0].with.body.x');
    }
    await expect(compileValue('{{ $number("x") }}', 'w').resolve(scope)).rejects.toThrow(/JSONata D3030/);
  });
});
