import { encodeCursor } from '@agentry/common';
import { versionCursor } from './agents.repository';

describe(versionCursor.name, () => {
  it('reads the version of a cursor the list issued', () => {
    expect(versionCursor(undefined)).toBeNull();
    expect(versionCursor(encodeCursor({ version: 3 }))).toBe(3);
  });

  it.each([[{ version: 'abc' }], [{ version: 1e300 }], [{ version: 1.5 }], [{ version: -1 }], [{ version: '2' }]])(
    'refuses a forged cursor %j with INVALID_INPUT, so it never reaches the database',
    (forged) => {
      expect(() => versionCursor(encodeCursor(forged as Record<string, string | number>))).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT', details: [{ field: 'cursor', reason: 'is not a cursor returned by this list' }] }),
      );
    },
  );
});
