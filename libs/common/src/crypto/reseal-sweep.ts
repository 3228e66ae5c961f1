import type { Logger } from 'pino';
import { DataSource } from 'typeorm';

/** A table of sealed secrets, for `resealStoredSecrets`. Names are code, never input. */
export interface SealedColumns<Row extends Record<string, string | null>> {
  /** `schema.table`. */
  table: string;
  /** Its unique text key, for keyset pages and the compare-and-set. */
  key: string;
  /** The columns holding sealed values (a NULL is left alone). */
  sealed: readonly string[];
  /** Other columns `reseal` needs (the record's owner, for the AAD). */
  context?: readonly string[];
  /** How a value that needs no re-sealing starts (SealedSecrets.currentPrefixes). */
  currentPrefixes: readonly string[];
  /** The value sealed under the current key; throws when it does not open. */
  reseal(value: string, row: Row, column: string): string;
}

export interface ResealResult {
  /** Rows rewritten. */
  resealed: number;
  /** Values that did not open (under no key of the ring, or tampered with); their rows are left as they are. */
  failed: number;
  /** Rows still holding a value not under the current key after the sweep (the failed, and any written meanwhile). */
  left: number;
}

const BATCH = 500;

/**
 * Seals again under the current key every value of a table that needs it (plaintext from before encryption, or,
 * during a rotation, a value not under the current key), a page at a time. Safe beside other replicas and live writes: a row is
 * rewritten only if it still holds what was read (compare-and-set), and values already current are not read.
 */
export async function resealStoredSecrets<Row extends Record<string, string | null>>(
  ds: DataSource,
  spec: SealedColumns<Row>,
): Promise<ResealResult> {
  const { table, key, sealed, currentPrefixes } = spec;
  const stale = sealed
    .map((c) => `(${c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM unnest($1::text[]) AS p(prefix) WHERE starts_with(${c}, p.prefix)))`)
    .join(' OR ');
  const columns = [...new Set([key, ...(spec.context ?? []), ...sealed])].join(', ');
  const result: ResealResult = { resealed: 0, failed: 0, left: 0 };
  let after = '';
  for (;;) {
    const rows: Row[] = await ds.query(`SELECT ${columns} FROM ${table} WHERE (${stale}) AND ${key} > $2 ORDER BY ${key} LIMIT $3`, [
      currentPrefixes,
      after,
      BATCH,
    ]);
    if (rows.length === 0) break;
    after = rows[rows.length - 1][key]!;
    const changed: { row: Row; next: (string | null)[] }[] = [];
    for (const row of rows) {
      try {
        changed.push({ row, next: sealed.map((c) => (row[c] === null ? null : spec.reseal(row[c]!, row, c))) });
      } catch {
        result.failed++;
      }
    }
    if (changed.length > 0) {
      const params = [
        changed.map((c) => c.row[key]),
        ...sealed.map((c) => changed.map((x) => x.row[c])),
        ...sealed.map((_c, i) => changed.map((x) => x.next[i])),
      ];
      const vars = ['id', ...sealed.map((_c, i) => `old${i}`), ...sealed.map((_c, i) => `new${i}`)];
      const updated: unknown[] = await ds.query(
        `WITH u AS (
           UPDATE ${table} x SET ${sealed.map((c, i) => `${c} = v.new${i}`).join(', ')}
             FROM unnest(${params.map((_p, i) => `$${i + 1}::text[]`).join(', ')}) AS v(${vars.join(', ')})
            WHERE x.${key} = v.id AND ${sealed.map((c, i) => `x.${c} IS NOT DISTINCT FROM v.old${i}`).join(' AND ')}
           RETURNING 1)
         SELECT 1 FROM u`,
        params,
      );
      result.resealed += updated.length;
    }
    if (rows.length < BATCH) break;
  }
  const [{ count }] = (await ds.query(`SELECT count(*)::int AS count FROM ${table} WHERE ${stale}`, [currentPrefixes])) as {
    count: number;
  }[];
  result.left = count;
  return result;
}

/**
 * A service's start-up sweep: runs it and logs what it did. During a rotation (`rotating`) every start logs how many
 * values are left under other keys, none included, so an operator knows when the old key can leave the ring. A
 * failure is logged, not thrown: values under an older key keep opening while it is in the ring, and the next start
 * tries again.
 */
export async function resealAtStart(logger: Logger, what: string, rotating: boolean, sweep: () => Promise<ResealResult>): Promise<void> {
  try {
    const r = await sweep();
    if (r.resealed > 0 || r.left > 0 || rotating) {
      logger[r.failed > 0 ? 'error' : 'info'](
        { resealed: r.resealed, failed: r.failed, left_under_other_keys: r.left },
        `${what} sealed again under the current key`,
      );
    }
  } catch (err) {
    logger.error({ err: (err as Error).message }, `${what}: sealing under the current key failed`);
  }
}
