import { QueryRunner } from 'typeorm';

/**
 * The current `CREATE OR REPLACE FUNCTION` text of a function, for migrations that patch one line of it.
 * Refuses a body without `anchor`, so a migration never patches a function it does not recognise.
 */
export async function functionDefinition(q: QueryRunner, fn: string, anchor: string): Promise<string> {
  const rows: { def: string }[] = await q.query(`SELECT pg_get_functiondef('${fn}'::regprocedure) AS def`);
  if (!rows[0]?.def.includes(anchor)) throw new Error(`${fn} does not look as expected`);
  return rows[0].def;
}
