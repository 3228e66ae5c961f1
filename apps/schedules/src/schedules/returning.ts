import { EntityManager } from 'typeorm';

/**
 * Rows of a statement with RETURNING. TypeORM's postgres driver answers a top-level UPDATE or DELETE
 * with `[rows, rowCount]` and anything else with `rows`; this gives the rows either way.
 */
export async function returning<T>(m: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const res: unknown = await m.query(sql, params);
  if (Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number') return res[0] as T[];
  return res as T[];
}

/** Rows a top-level UPDATE or DELETE without RETURNING changed (`[rows, rowCount]` from TypeORM's postgres driver). */
export function affected(res: unknown): number {
  return Array.isArray(res) && res.length === 2 && typeof res[1] === 'number' ? res[1] : 0;
}
