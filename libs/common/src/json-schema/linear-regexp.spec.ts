import Ajv2020 from 'ajv/dist/2020';
import { compileLinearRegExp, linearPatternProblem, linearRegExp, UnsupportedPatternError } from './linear-regexp';
import { unsupportedSchemaPatterns } from './schema-patterns';

// With JavaScript's RegExp this input takes minutes on `^(a+)+$`; every test below would hang.
const EVIL_INPUT = `${'a'.repeat(32)}!`;

describe(compileLinearRegExp.name, () => {
  it('matches catastrophic-backtracking patterns in linear time', () => {
    expect(compileLinearRegExp('^(a+)+$').test(EVIL_INPUT)).toBe(false);
    expect(compileLinearRegExp('^(a|aa)+$').test(EVIL_INPUT)).toBe(false);
    expect(compileLinearRegExp('^(.*a){12}$').test(EVIL_INPUT)).toBe(false);
    expect(compileLinearRegExp('^(a+)+$').test('aaaa')).toBe(true);
  });

  it.each([
    ['^[a-z]+$', 'abc', true],
    ['^[a-z]+$', 'ABC', false],
    ['b', 'abc', true], // unanchored, like JSON Schema
    ['^\\d{3}-\\d{4}$', '555-1234', true],
    ['^\\u00e9$', 'é', true],
    ['^\\u{1F600}$', '😀', true],
    ['^\\p{L}+$', 'café', true],
    ['^.$', '😀', true], // a code point, as with the u flag
    ['^(?<year>\\d{4})-\\d{2}$', '2024-01', true],
    ['^\\S+@\\S+\\.\\S+$', 'a@b.io', true],
    ['^[\\w.-]+$', 'a.b-c_d', true],
    ['^\\/api\\/', '/api/x', true],
  ])('reads %s as ECMA-262 does (on %s)', (pattern, input, expected) => {
    expect(compileLinearRegExp(pattern).test(input)).toBe(expected);
    expect(new RegExp(pattern, 'u').test(input)).toBe(expected);
  });

  it.each([
    ['(a)\\1', /backreference/],
    ['(?<x>a)\\k<x>', /backreference/],
    ['^(?=.*\\d).{8,}$', /lookahead or lookbehind/],
    ['^(?!admin).*$', /lookahead or lookbehind/],
    ['(?<=@)\\w+', /lookahead or lookbehind/],
    ['(?<!x)y', /lookahead or lookbehind/],
    ['a{1001}', /not supported by RE2: invalid repeat count/],
    ['(', /not a valid regular expression/],
    ['\\q', /not a valid regular expression/], // an identity escape the u flag forbids
  ])('refuses %s', (pattern, reason) => {
    expect(() => compileLinearRegExp(pattern)).toThrow(UnsupportedPatternError);
    expect(linearPatternProblem(pattern)).toMatch(reason);
  });

  it('keeps patterns apart in one Ajv instance (Ajv caches them by toString)', () => {
    const ajv = new Ajv2020({ code: { regExp: linearRegExp } });
    const a = ajv.compile({ type: 'string', pattern: '^a+$' });
    const b = ajv.compile({ type: 'string', pattern: '^b+$' });
    expect([a('aaa'), a('bbb'), b('aaa'), b('bbb')]).toEqual([true, false, false, true]);
  });

  it('runs pattern and patternProperties of an Ajv schema on RE2', () => {
    const ajv = new Ajv2020({ code: { regExp: linearRegExp }, allErrors: true });
    const validate = ajv.compile({
      type: 'object',
      properties: { name: { type: 'string', pattern: '^(a+)+$' } },
      patternProperties: { '^(x+)+$': { type: 'number' } },
    });
    expect(validate({ name: EVIL_INPUT, [`${'x'.repeat(32)}!`]: 'not checked: the key does not match' })).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(['/name']);
    expect(validate({ name: 'aaa', xxx: 1 })).toBe(true);
    expect(validate({ name: 'aaa', xxx: 'one' })).toBe(false);
    expect(() => ajv.compile({ type: 'string', pattern: '(a)\\1' })).toThrow(/backreference/);
  });
});

describe(unsupportedSchemaPatterns.name, () => {
  it('names every unsupported pattern with its place in the schema', () => {
    const schema = {
      type: 'object',
      properties: {
        pattern: { type: 'string', pattern: '(a)\\1' }, // a property called "pattern"
        ok: { type: 'string', pattern: '^[a-z]+$' },
        list: { type: 'array', items: { anyOf: [{ pattern: '(?=x)' }] } },
      },
      patternProperties: { '^(?!_)': { type: 'string' } },
      $defs: { tag: { propertyNames: { pattern: '\\k<n>(?<n>a)' } } },
      enum: [{ pattern: '(a)\\1' }], // data, not a schema
    };
    expect(unsupportedSchemaPatterns(schema)).toEqual([
      { path: '$defs.tag.propertyNames.pattern', reason: expect.stringMatching(/^pattern "\\\\k<n>\(\?<n>a\)" uses a backreference/) },
      { path: 'patternProperties.^(?!_)', reason: expect.stringContaining('lookahead or lookbehind') },
      { path: 'properties.list.items.anyOf.0.pattern', reason: expect.stringContaining('lookahead or lookbehind') },
      { path: 'properties.pattern.pattern', reason: expect.stringContaining('backreference') },
    ]);
  });

  it('finds nothing in a schema without patterns, or in what is not a schema', () => {
    expect(unsupportedSchemaPatterns({ type: 'object', properties: { a: { type: 'string', pattern: '^a$' } } })).toEqual([]);
    expect(unsupportedSchemaPatterns(true)).toEqual([]);
    expect(unsupportedSchemaPatterns(null)).toEqual([]);
  });

  it('walks a deeply nested schema without recursion', () => {
    let schema: Record<string, unknown> = { pattern: '(a)\\1' };
    for (let i = 0; i < 20_000; i++) schema = { not: schema };
    expect(unsupportedSchemaPatterns(schema)).toHaveLength(1);
  });
});
