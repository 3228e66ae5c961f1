import { nextFreeSlug, slugify } from './slug';

describe('slugify', () => {
  it('makes lower-case hyphenated slugs without accents', () => {
    expect(slugify('  Lead Qualifier (EU) — Café ')).toBe('lead-qualifier-eu-cafe');
    expect(slugify('!!!')).toBe('agent');
  });
});

describe('nextFreeSlug', () => {
  it('keeps a free base', () => {
    expect(nextFreeSlug('digest', ['digest-report'])).toBe('digest');
  });

  it('adds one more than the highest numeric suffix', () => {
    expect(nextFreeSlug('digest', ['digest'])).toBe('digest-2');
    expect(nextFreeSlug('digest', ['digest', 'digest-2', 'digest-7', 'digest-x', 'digest-05'])).toBe('digest-8');
  });

  it('stays within 80 characters', () => {
    const base = 'a'.repeat(80);
    expect(nextFreeSlug(base, [base])).toBe(`${'a'.repeat(78)}-2`);
  });
});
