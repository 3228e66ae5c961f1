import type { Client } from 'pg';

export interface WrappedKeyRow {
  id: string;
  masterKeyId: string;
  dataKeyWrapped: Buffer;
}

export interface Rewrapped {
  id: string;
  /** What the row held when it was read: the swap only lands if it still does. */
  previousKeyId: string;
  previousWrapped: Buffer;
  wrapped: Buffer;
}

/** The rotation command's only access to the table: read wrapped data keys, swap them compare-and-set. */
export class RotationRepository {
  constructor(private readonly db: Client) {}

  /** The next records (by id) whose data key is not wrapped by `primaryId`. */
  async nextBatch(primaryId: string, afterId: string, limit: number): Promise<WrappedKeyRow[]> {
    const { rows } = await this.db.query<{ id: string; master_key_id: string; data_key_wrapped: Buffer }>(
      `SELECT id, master_key_id, data_key_wrapped FROM connections.connections
        WHERE master_key_id <> $1 AND id > $2 ORDER BY id LIMIT $3`,
      [primaryId, afterId, limit],
    );
    return rows.map((r) => ({ id: r.id, masterKeyId: r.master_key_id, dataKeyWrapped: r.data_key_wrapped }));
  }

  /**
   * One statement per batch, no locks held between batches: a row a PATCH re-sealed in the meantime
   * keeps its new key (already wrapped by the service's primary) and is not counted as swapped.
   */
  async swap(primaryId: string, batch: Rewrapped[]): Promise<number> {
    if (batch.length === 0) return 0;
    const { rowCount } = await this.db.query(
      `UPDATE connections.connections c
          SET data_key_wrapped = v.wrapped, master_key_id = $1
         FROM (SELECT unnest($2::text[]) AS id, unnest($3::text[]) AS old_kid, unnest($4::bytea[]) AS old_wrapped, unnest($5::bytea[]) AS wrapped) v
        WHERE c.id = v.id AND c.master_key_id = v.old_kid AND c.data_key_wrapped = v.old_wrapped`,
      [
        primaryId,
        batch.map((b) => b.id),
        batch.map((b) => b.previousKeyId),
        batch.map((b) => b.previousWrapped),
        batch.map((b) => b.wrapped),
      ],
    );
    return rowCount ?? 0;
  }

  async countByKey(): Promise<Record<string, number>> {
    const { rows } = await this.db.query<{ master_key_id: string; n: string }>(
      `SELECT master_key_id, count(*)::text AS n FROM connections.connections GROUP BY master_key_id ORDER BY master_key_id`,
    );
    return Object.fromEntries(rows.map((r) => [r.master_key_id, Number(r.n)]));
  }
}
