import { checkAnswer, compileResponseSchema } from './structured-output';

describe(compileResponseSchema.name, () => {
  it('runs patterns in linear time: `^(a+)+$` on 32 a and a "!" answers (JavaScript RegExp would hang)', () => {
    const sut = compileResponseSchema({ type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$' } } });

    expect(checkAnswer(JSON.stringify({ code: `${'a'.repeat(32)}!` }), sut)).toEqual({
      ok: false,
      problems: ['/code: must match pattern "^(a+)+$"'],
    });
    expect(checkAnswer('{"code":"aaa"}', sut)).toEqual({ ok: true, value: { code: 'aaa' } });
  });

  it('throws a readable reason for a pattern RE2 cannot run (a response_schema may be a template)', () => {
    expect(() => compileResponseSchema({ type: 'string', pattern: '^(?=x)' })).toThrow(/lookahead or lookbehind/);
  });
});
