/** TypeORM answers UPDATE/DELETE … RETURNING on Postgres with `[rows, affected]`; SELECT and INSERT with rows. */
export function returned<T = Record<string, unknown>>(res: unknown): T[] {
  if (Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number') return res[0] as T[];
  return (res ?? []) as T[];
}

/** The affected-row count of an UPDATE/DELETE run through TypeORM's query(). */
export function affected(res: unknown): number {
  return Array.isArray(res) && typeof res[1] === 'number' ? res[1] : 0;
}
