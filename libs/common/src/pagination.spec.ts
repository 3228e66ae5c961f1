import { DEFAULT_PAGE_SIZE, ErrorCode } from '@agentry/contracts';
import { AppError } from './errors';
import { decodeCursor, encodeCursor, pageLimit, toPage } from './pagination';

interface Row {
  id: string;
  createdAt: string;
}

const rows = (n: number): Row[] =>
  Array.from({ length: n }, (_, i) => ({ id: `agt_${String(i).padStart(3, '0')}`, createdAt: `2026-11-23T10:00:0${i % 10}.000Z` }));
const view = (r: Row) => ({ id: r.id });
const key = (r: Row) => ({ created_at: r.createdAt, id: r.id });

describe('cursor pagination', () => {
  describe(encodeCursor.name, () => {
    it('round-trips through decodeCursor', () => {
      const cursor = encodeCursor({ created_at: '2026-11-23T10:00:00.000Z', id: 'agt_1', n: 3 });

      expect(decodeCursor(cursor, ['created_at', 'id', 'n'])).toEqual({ created_at: '2026-11-23T10:00:00.000Z', id: 'agt_1', n: 3 });
    });

    it('is URL-safe', () => {
      const cursor = encodeCursor({ id: '?&/+=~'.repeat(20) });

      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    });
  });

  describe(decodeCursor.name, () => {
    it('returns null when there is no cursor', () => {
      expect(decodeCursor(undefined, ['id'])).toBeNull();
      expect(decodeCursor('', ['id'])).toBeNull();
    });

    it.each([
      ['garbage', '%%%not-base64%%%'],
      ['base64 of something that is not JSON', Buffer.from('hello').toString('base64url')],
      ['a JSON value that is not an object', Buffer.from('42').toString('base64url')],
      ['JSON null', Buffer.from('null').toString('base64url')],
      ['an object missing a key', encodeCursor({ created_at: 'x' })],
    ])('rejects %s with INVALID_INPUT on the cursor field', (_case, cursor) => {
      let thrown: unknown;
      try {
        decodeCursor(cursor, ['created_at', 'id']);
      } catch (err) {
        thrown = err;
      }

      expect(thrown).toBeInstanceOf(AppError);
      expect((thrown as AppError).code).toBe(ErrorCode.INVALID_INPUT);
      expect((thrown as AppError).details).toEqual([{ field: 'cursor', reason: expect.any(String) }]);
    });
  });

  describe(pageLimit.name, () => {
    it('defaults to the page size of the API', () => {
      expect(pageLimit(undefined)).toBe(DEFAULT_PAGE_SIZE);
      expect(DEFAULT_PAGE_SIZE).toBe(20);
    });

    it('keeps a given limit', () => {
      expect(pageLimit(7)).toBe(7);
    });
  });

  describe(toPage.name, () => {
    it('returns every row and no cursor when the extra row was not found', () => {
      const sut = toPage(rows(3), 3, view, key);

      expect(sut).toEqual({ data: [{ id: 'agt_000' }, { id: 'agt_001' }, { id: 'agt_002' }], next_cursor: null });
    });

    it('trims the extra row and points the cursor at the last kept row', () => {
      const sut = toPage(rows(4), 3, view, key);

      expect(sut.data).toHaveLength(3);
      expect(sut.next_cursor).not.toBeNull();
      expect(decodeCursor(sut.next_cursor!, ['created_at', 'id'])).toEqual({ created_at: '2026-11-23T10:00:02.000Z', id: 'agt_002' });
    });

    it('returns an empty page for no rows', () => {
      expect(toPage([], 20, view, key)).toEqual({ data: [], next_cursor: null });
    });

    it('walks a whole list page by page without gaps or repeats', () => {
      const all = rows(10);
      const limit = 3;
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const after = decodeCursor<{ created_at: string; id: string }>(cursor ?? undefined, ['created_at', 'id']);
        const start: number = after ? all.findIndex((r) => r.id === after.id) + 1 : 0;
        const page: { data: { id: string }[]; next_cursor: string | null } = toPage(all.slice(start, start + limit + 1), limit, view, key);
        seen.push(...page.data.map((d) => d.id));
        cursor = page.next_cursor;
      } while (cursor);

      expect(seen).toEqual(all.map((r) => r.id));
    });
  });
});
