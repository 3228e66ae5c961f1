import { ID_PREFIXES, isId, newId } from './ids';

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
