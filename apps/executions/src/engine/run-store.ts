import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApprovalInsert, ExecutionRecord, executionFromRow, LogLine, OutboxRow, StepRecord, stepFromRow } from './run-record';

export interface NewRun {
  id: string;
  workspace_id: string;
  agent_id: string;
  agent_version: number;
  trigger_type: string;
  trigger_id: string | null;
  input: unknown;
  metadata: Record<string, unknown>;
  callback_url: string | null;
  retry_of: string | null;
  idempotency_key: string | null;
  max_concurrency: number;
  workspace_concurrency: number | null;
  /** This replica will claim it itself: other replicas leave it alone for `reserveMs`. */
  reserveMs: number;
  created_at: string;
  log: LogLine;
  event: OutboxRow;
}

/** The run's mutable columns as its claim holder writes them on every commit. */
export interface ExecutionWrite {
  status: string;
  output: unknown;
  error: unknown;
  summary: string | null;
  tokens_used: number;
  finished_at: string | null;
  duration_ms: number | null;
  /** Give the claim back (suspend or finish); `next_run_at` is then when the run is due again (null: never by itself). */
  release: boolean;
  next_run_at: string | null;
}

export interface CommitInput {
  id: string;
  token: string;
  exe: ExecutionWrite;
  steps: StepRecord[];
  logs: LogLine[];
  events: OutboxRow[];
  approvals: ApprovalInsert[];
  /** The run was cancelled: its pending approvals are closed too. */
  cancelApprovals: boolean;
  /**
   * Wait for the WAL to reach the disk before answering. Only a commit that may be lost without harm skips
   * it: one that keeps the claim after pure steps, which simply run again if PostgreSQL crashes first.
   */
  durable: boolean;
}

export interface ClaimedRun {
  id: string;
  previous_status: string;
  started_at: string;
}

export interface CommitResult {
  seq: number;
  /** Someone asked to cancel the run meanwhile: stop at this step boundary. */
  cancelRequested: boolean;
}

const j = (v: unknown) => JSON.stringify(v ?? null);

/**
 * The engine's SQL. Every change of a claimed run is ONE statement (data-modifying CTEs): the run row,
 * its step rows, log lines, approvals and outbox events commit together, fenced by the claim token so a
 * worker that lost its claim changes nothing.
 */
@Injectable()
export class RunStore {
  constructor(private readonly ds: DataSource) {}

  /** The hot path talks to pg's pool directly: TypeORM's query runner adds a measurable cost per statement. */
  private async q<T>(sql: string, params: unknown[], name?: string): Promise<T[]> {
    const pool = (
      this.ds.driver as unknown as { master: { query(q: { text: string; values: unknown[]; name?: string }): Promise<{ rows: T[] }> } }
    ).master;
    // Named statements are parsed and planned once per connection: these CTEs cost more to plan than to run.
    return (await pool.query({ text: sql, values: params, ...(name ? { name } : {}) })).rows;
  }

  /** Inserts a queued run with its first log line and `queued` event; null when the idempotency key was used. */
  async insert(run: NewRun): Promise<string | null> {
    const rows: { id: string }[] = await this.q(
      `WITH ins AS (
         INSERT INTO executions.executions (id, workspace_id, agent_id, agent_version, status, trigger_type, trigger_id, input, metadata,
           callback_url, retry_of, idempotency_key, max_concurrency, workspace_concurrency, next_run_at, log_seq, created_at)
         VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13,
           now() + make_interval(secs => $14::int / 1000.0), 1, $15)
         ON CONFLICT (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id
       ), l AS (
         INSERT INTO executions.execution_logs (execution_id, seq, at, level, step_id, message, data)
         SELECT ins.id, 1, $15, $16, NULL, $17, $18::jsonb FROM ins
       ), o AS (
         INSERT INTO executions.outbox (id, subject, payload) SELECT $19, $20, $21::jsonb FROM ins
       )
       SELECT id FROM ins`,
      [
        run.id,
        run.workspace_id,
        run.agent_id,
        run.agent_version,
        run.trigger_type,
        run.trigger_id,
        j(run.input),
        j(run.metadata),
        run.callback_url,
        run.retry_of,
        run.idempotency_key,
        run.max_concurrency,
        run.workspace_concurrency,
        run.reserveMs,
        run.created_at,
        run.log.level,
        run.log.message,
        run.log.data === null ? null : j(run.log.data),
        run.event.id,
        run.event.subject,
        j(run.event.payload),
      ],
      'executions_insert_run',
    );
    return rows[0]?.id ?? null;
  }

  async findIdByIdempotencyKey(workspaceId: string, key: string): Promise<string | null> {
    const rows: { id: string }[] = await this.q(`SELECT id FROM executions.executions WHERE workspace_id = $1 AND idempotency_key = $2`, [
      workspaceId,
      key,
    ]);
    return rows[0]?.id ?? null;
  }

  /** Claims due runs (and `preferred` ones at once) under the concurrency limits: see the claim_runs function. */
  async claim(preferred: string[], batch: number, worker: string, token: string, ttlMs: number): Promise<ClaimedRun[]> {
    const rows: { id: string; previous_status: string; started_at: Date }[] = await this.q(
      `SELECT id, previous_status, started_at FROM executions.claim_runs($1::text[], $2, $3, $4, $5)`,
      [preferred, batch, worker, token, ttlMs],
      'executions_claim_runs',
    );
    return rows.map((r) => ({ id: r.id, previous_status: r.previous_status, started_at: r.started_at.toISOString() }));
  }

  /** Runs with their steps, for a worker that resumes them. */
  async load(ids: string[]): Promise<{ exe: ExecutionRecord; steps: StepRecord[] }[]> {
    if (ids.length === 0) return [];
    const [exes, steps]: [Record<string, unknown>[], Record<string, unknown>[]] = await Promise.all([
      this.q<Record<string, unknown>>(`SELECT * FROM executions.executions WHERE id = ANY($1::text[])`, [ids]),
      this.q<Record<string, unknown>>(
        `SELECT * FROM executions.execution_steps WHERE execution_id = ANY($1::text[]) ORDER BY execution_id, position`,
        [ids],
      ),
    ]);
    const byRun = new Map<string, StepRecord[]>();
    for (const s of steps) {
      const list = byRun.get(s.execution_id as string) ?? [];
      list.push(stepFromRow(s));
      byRun.set(s.execution_id as string, list);
    }
    return exes.map((e) => ({ exe: executionFromRow(e), steps: byRun.get(e.id as string) ?? [] }));
  }

  /** Commits a claimed run's progress; null when the claim was lost (someone else holds the run now). */
  async commit(c: CommitInput): Promise<CommitResult | null> {
    const logs = c.logs.map((l, i) => ({ ...l, i: i + 1 }));
    const rows: { seq: number; cancel_requested: boolean }[] = await this.q(
      `WITH e AS (
         UPDATE executions.executions SET
           status = $3, output = $4::jsonb, error = $5::jsonb, summary = $6, tokens_used = $7,
           finished_at = $8::timestamptz, duration_ms = $9,
           claimed_by = CASE WHEN $10 THEN NULL ELSE claimed_by END,
           claim_token = CASE WHEN $10 THEN NULL ELSE claim_token END,
           claim_expires_at = CASE WHEN $10 THEN NULL ELSE claim_expires_at END,
           next_run_at = CASE WHEN $10 THEN $11::timestamptz ELSE next_run_at END,
           seq = seq + 1, log_seq = log_seq + $12
         WHERE id = $1 AND claim_token = $2
         RETURNING id, seq, log_seq, cancel_requested
       ), s AS (
         INSERT INTO executions.execution_steps AS t
           (execution_id, position, step_id, type, status, output, error, attempts, state, tokens_used, started_at, finished_at, duration_ms)
         SELECT e.id, x.position, x.step_id, x.type, x.status, x.output, x.error, coalesce(x.attempts, '[]'::jsonb), x.state,
                coalesce(x.tokens_used, 0), x.started_at, x.finished_at, x.duration_ms
           FROM e, jsonb_to_recordset($13::jsonb) AS x(position int, step_id text, type text, status text, output jsonb, error jsonb,
                attempts jsonb, state jsonb, tokens_used int, started_at timestamptz, finished_at timestamptz, duration_ms int)
         ON CONFLICT (execution_id, position) DO UPDATE SET
           status = excluded.status, output = excluded.output, error = excluded.error, attempts = excluded.attempts,
           state = excluded.state, tokens_used = excluded.tokens_used, started_at = excluded.started_at,
           finished_at = excluded.finished_at, duration_ms = excluded.duration_ms
       ), l AS (
         INSERT INTO executions.execution_logs (execution_id, seq, at, level, step_id, message, data)
         SELECT e.id, e.log_seq - $12 + x.i, x.at, x.level, x.step_id, x.message, x.data
           FROM e, jsonb_to_recordset($14::jsonb) AS x(i int, at timestamptz, level text, step_id text, message text, data jsonb)
       ), o AS (
         INSERT INTO executions.outbox (id, subject, payload)
         SELECT x.id, x.subject, x.payload FROM e, jsonb_to_recordset($15::jsonb) AS x(id text, subject text, payload jsonb)
       ), a AS (
         INSERT INTO executions.approvals (id, workspace_id, execution_id, agent_id, step_id, position, message, status, approvals_required, expires_at)
         SELECT x.id, x.workspace_id, e.id, x.agent_id, x.step_id, x.position, x.message, 'pending', x.approvals_required, x.expires_at
           FROM e, jsonb_to_recordset($16::jsonb) AS x(id text, workspace_id text, agent_id text, step_id text, position int, message text,
                approvals_required int, expires_at timestamptz)
       ), ca AS (
         UPDATE executions.approvals ap SET status = 'cancelled', decided_at = now()
           FROM e WHERE $17 AND ap.execution_id = e.id AND ap.status = 'pending'
       ), sync AS (
         SELECT CASE WHEN $18 THEN NULL ELSE set_config('synchronous_commit', 'off', true) END AS setting
       )
       SELECT seq, cancel_requested FROM e, sync`,
      [
        c.id,
        c.token,
        c.exe.status,
        j(c.exe.output),
        j(c.exe.error),
        c.exe.summary,
        c.exe.tokens_used,
        c.exe.finished_at,
        c.exe.duration_ms,
        c.exe.release,
        c.exe.next_run_at,
        logs.length,
        j(c.steps),
        j(logs),
        j(c.events),
        j(c.approvals),
        c.cancelApprovals,
        c.durable,
      ],
      'executions_commit_run',
    );
    return rows[0] ? { seq: rows[0].seq, cancelRequested: rows[0].cancel_requested } : null;
  }

  /** Extends this worker's claims (a heartbeat); returns the runs still held. */
  async heartbeat(ids: string[], worker: string, ttlMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    // A top-level SELECT: TypeORM returns [rows, count] for a bare UPDATE … RETURNING.
    const rows: { id: string }[] = await this.q(
      `WITH held AS (
         UPDATE executions.executions
            SET claim_expires_at = now() + make_interval(secs => $3::int / 1000.0), next_run_at = now() + make_interval(secs => $3::int / 1000.0)
          WHERE id = ANY($1::text[]) AND claimed_by = $2
         RETURNING id
       )
       SELECT id FROM held`,
      [ids, worker, ttlMs],
    );
    return rows.map((r) => r.id);
  }

  /** Hands runs back at once (shutdown): another worker claims them now. */
  async release(ids: string[], worker: string): Promise<void> {
    if (ids.length === 0) return;
    await this.q(
      `UPDATE executions.executions SET claimed_by = NULL, claim_token = NULL, claim_expires_at = NULL, next_run_at = now()
        WHERE id = ANY($1::text[]) AND claimed_by = $2`,
      [ids, worker],
    );
  }

  async purgeOutbox(retentionMs: number): Promise<void> {
    await this.q(
      `DELETE FROM executions.outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1::int / 1000.0)`,
      [retentionMs],
    );
  }
}
