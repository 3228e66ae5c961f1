import { DEFAULT_PAGE_SIZE, Page } from '@agentry/contracts';
import { AppError } from './errors';

/** Keyset cursors: an opaque base64url of the last row's sort key. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(cursor: string | undefined, keys: (keyof T)[]): T | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
    if (typeof value !== 'object' || value === null || keys.some((k) => !(k in value))) throw new Error('bad');
    return value;
  } catch {
    throw AppError.invalid('Invalid cursor', [{ field: 'cursor', reason: 'is not a cursor returned by this list' }]);
  }
}

export function pageLimit(limit?: number): number {
  return limit ?? DEFAULT_PAGE_SIZE;
}

/** Fetch limit + 1 rows, then call this: it trims the extra row and builds next_cursor from the last kept one. */
export function toPage<R, V>(rows: R[], limit: number, view: (r: R) => V, key: (r: R) => Record<string, string | number>): Page<V> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { data: kept.map(view), next_cursor: more ? encodeCursor(key(kept[kept.length - 1])) : null };
}
