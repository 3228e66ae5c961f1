import { ID_PREFIXES, isId, newId, randomToken } from './ids';

describe(newId.name, () => {
  it('returns the prefix, an underscore and a 26-character Crockford base32 ULID', () => {
    const sut = newId('agt');

    expect(sut).toMatch(/^agt_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('gives every known prefix a valid id', () => {
    for (const prefix of ID_PREFIXES) {
      expect(isId(prefix, newId(prefix))).toBe(true);
    }
  });

  it('sorts ids made in one process in creation order, even within the same millisecond', () => {
    const ids = Array.from({ length: 2_000 }, () => newId('exe'));

    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sorts ids made later after ids made earlier', async () => {
    const first = newId('sch');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = newId('sch');

    expect(first < second).toBe(true);
  });
});

describe(isId.name, () => {
  const valid = newId('wks');

  it('accepts an id with the expected prefix', () => {
    expect(isId('wks', valid)).toBe(true);
  });

  it.each([
    ['another prefix', valid.replace('wks_', 'agt_')],
    ['no prefix', valid.slice(4)],
    ['a lower-case body', valid.toLowerCase()],
    ['a body one character short', valid.slice(0, -1)],
    ['a body one character long', `${valid}A`],
    ['a letter outside Crockford base32 (U)', `wks_${'U'.repeat(26)}`],
    ['an empty string', ''],
  ])('rejects %s', (_case, value) => {
    expect(isId('wks', value)).toBe(false);
  });

  it.each([[undefined], [null], [42], [{}], [['wks_01JD5Z4Q9X7N3B2V1C0M8K6H4G']]])('rejects the non-string %p', (value) => {
    expect(isId('wks', value)).toBe(false);
  });

  it('tells apart prefixes of different lengths', () => {
    expect(isId('hook', newId('hook'))).toBe(true);
    expect(isId('key', newId('hook'))).toBe(false);
  });
});

describe(randomToken.name, () => {
  it('gives 12 random bytes as base64url by default, and the length asked for', () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(Buffer.from(randomToken(32), 'base64url')).toHaveLength(32);
  });

  it('never repeats across many draws, across refills of its buffer', () => {
    // 4,096 bytes a refill: 20,000 tokens of 12 bytes draw the buffer about 60 times.
    const tokens = Array.from({ length: 20_000 }, () => randomToken());

    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('spreads its bytes evenly (each byte value drawn about equally often)', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 4_000; i++) for (const b of Buffer.from(randomToken(64), 'base64url')) counts[b]++;

    // 256,000 bytes: 1,000 expected per value; a fixed or patterned source would miss this by far.
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1_200);
  });

  it('refuses sizes it cannot draw at once', () => {
    expect(() => randomToken(0)).toThrow(RangeError);
    expect(() => randomToken(65)).toThrow(RangeError);
    expect(() => randomToken(1.5)).toThrow(RangeError);
  });
});
