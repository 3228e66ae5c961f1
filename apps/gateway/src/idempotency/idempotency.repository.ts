import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface IdempotencyRecord {
  request_hash: string;
  state: 'in_progress' | 'done';
  status_code: number | null;
  response_body: unknown;
}

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Claims the key for `leaseMs`; returns null when this request owns it now, else the existing record.
   * A record still in progress after its lease ended was left by a gateway that stopped mid-request: the
   * same request (same hash) takes it over, so a retry proceeds instead of a 409 for 24 h.
   */
  async claim(workspaceId: string, key: string, hash: string, leaseMs: number): Promise<IdempotencyRecord | null> {
    const inserted: unknown[] = await this.ds.query(
      `INSERT INTO gateway.idempotency_records (workspace_id, key, request_hash, state, locked_until)
       VALUES ($1, $2, $3, 'in_progress', now() + make_interval(secs => $4)) ON CONFLICT DO NOTHING RETURNING key`,
      [workspaceId, key, hash, leaseMs / 1000],
    );
    if (inserted.length) return null;
    // An UPDATE answers [rows, count] through TypeORM's query().
    const [takenOver]: [unknown[], number] = await this.ds.query(
      `UPDATE gateway.idempotency_records SET locked_until = now() + make_interval(secs => $4), created_at = now()
        WHERE workspace_id = $1 AND key = $2 AND request_hash = $3 AND state = 'in_progress' AND locked_until < now()
        RETURNING key`,
      [workspaceId, key, hash, leaseMs / 1000],
    );
    if (takenOver.length) return null;
    const rows: IdempotencyRecord[] = await this.ds.query(
      `SELECT request_hash, state, status_code, response_body FROM gateway.idempotency_records WHERE workspace_id = $1 AND key = $2`,
      [workspaceId, key],
    );
    return rows[0] ?? null;
  }

  /** Extends the lease of a request still running. */
  async extend(workspaceId: string, key: string, leaseMs: number): Promise<void> {
    await this.ds.query(
      `UPDATE gateway.idempotency_records SET locked_until = now() + make_interval(secs => $3)
        WHERE workspace_id = $1 AND key = $2 AND state = 'in_progress'`,
      [workspaceId, key, leaseMs / 1000],
    );
  }

  async complete(workspaceId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.ds.query(
      `UPDATE gateway.idempotency_records SET state = 'done', status_code = $3, response_body = $4 WHERE workspace_id = $1 AND key = $2`,
      [workspaceId, key, status, JSON.stringify(body ?? null)],
    );
  }

  async release(workspaceId: string, key: string): Promise<void> {
    await this.ds.query(`DELETE FROM gateway.idempotency_records WHERE workspace_id = $1 AND key = $2 AND state = 'in_progress'`, [
      workspaceId,
      key,
    ]);
  }

  async purgeOlderThan(hours: number): Promise<number> {
    const res = await this.ds.query(`DELETE FROM gateway.idempotency_records WHERE created_at < now() - make_interval(hours => $1)`, [
      hours,
    ]);
    return Array.isArray(res) ? Number(res[1] ?? 0) : 0;
  }
}
