import type { ExecutionStatus, ExecutionView, ExecutionLogView, LogLevel, TriggerType } from '@agentry/contracts';
import { decodeCursor } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { encodeTime } from 'ulid';
import { toExecutionView } from '../engine/execution-view';
import { ExecutionRecord, executionFromRow, LogLine, OutboxRow, stepFromRow } from '../engine/run-record';

export interface ExecutionFilter {
  agentId?: string;
  status?: ExecutionStatus;
  triggerType?: TriggerType;
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

export interface LogFilter {
  level?: LogLevel;
  stepId?: string;
  cursor?: string;
  limit: number;
}

/** Columns of a list item: never input, output or the steps. */
const SUMMARY_COLUMNS = `id, workspace_id, agent_id, agent_version, status, trigger_type, trigger_id, error, metadata, callback_url, retry_of,
  summary, tokens_used, cancel_requested, created_at, started_at, finished_at, duration_ms, seq, '{}'::jsonb AS input, NULL::jsonb AS output`;

/** An id bound for a time: ids are ULIDs, so time ranges are id ranges and use the same indexes. */
export function idAtTime(iso: string): string {
  return `exe_${encodeTime(Math.max(0, Date.parse(iso)), 10)}${'0'.repeat(16)}`;
}

/** Reads of runs (always inside one workspace) and the writes that do not go through a claim. */
@Injectable()
export class ExecutionsRepository {
  constructor(private readonly ds: DataSource) {}

  async view(workspaceId: string, id: string): Promise<ExecutionView | null> {
    const found = await this.withSteps(workspaceId, id);
    return found && toExecutionView(found.exe, found.steps);
  }

  /**
   * The run and its steps as of one snapshot. Read by two statements on two connections, a run could be seen
   * finished with its last steps missing: a commit landing between the two reads (seen in the durability test
   * under load: `succeeded` with one step of three).
   */
  async withSteps(workspaceId: string, id: string): Promise<{ exe: ExecutionRecord; steps: ReturnType<typeof stepFromRow>[] } | null> {
    return this.ds.transaction('REPEATABLE READ', async (m) => {
      const exes: Record<string, unknown>[] = await m.query(`SELECT * FROM executions.executions WHERE id = $1 AND workspace_id = $2`, [
        id,
        workspaceId,
      ]);
      if (!exes[0]) return null;
      const steps: Record<string, unknown>[] = await m.query(
        `SELECT * FROM executions.execution_steps WHERE execution_id = $1 ORDER BY position`,
        [id],
      );
      return { exe: executionFromRow(exes[0]), steps: steps.map(stepFromRow) };
    });
  }

  async record(workspaceId: string, id: string): Promise<(ExecutionRecord & { claimed_by: string | null; claim_live: boolean }) | null> {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT *, (claim_token IS NOT NULL AND claim_expires_at > now()) AS claim_live FROM executions.executions WHERE id = $1 AND workspace_id = $2`,
      [id, workspaceId],
    );
    if (!rows[0]) return null;
    return {
      ...executionFromRow(rows[0]),
      claimed_by: (rows[0].claimed_by as string | null) ?? null,
      claim_live: Boolean(rows[0].claim_live),
    };
  }

  /** Newest first, keyset on id; every filter is served by a (workspace_id, …, id DESC) index. */
  async list(workspaceId: string, f: ExecutionFilter): Promise<ExecutionRecord[]> {
    const where = ['workspace_id = $1'];
    const params: unknown[] = [workspaceId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.agentId) add('agent_id = ?', f.agentId);
    if (f.status) add('status = ?', f.status);
    if (f.triggerType) add('trigger_type = ?', f.triggerType);
    if (f.from) add('id >= ?', idAtTime(f.from));
    if (f.to) add('id < ?', idAtTime(f.to));
    const after = decodeCursor<{ id: string }>(f.cursor, ['id']);
    if (after) add('id < ?', after.id);
    params.push(f.limit + 1);
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT ${SUMMARY_COLUMNS} FROM executions.executions WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(executionFromRow);
  }

  /** The query plan of a list query, for tests and the benchmark. */
  async explainList(workspaceId: string, f: ExecutionFilter): Promise<string> {
    const rows: { 'QUERY PLAN': string }[] = await this.ds.query(
      `EXPLAIN SELECT ${SUMMARY_COLUMNS} FROM executions.executions WHERE workspace_id = $1 ${f.agentId ? 'AND agent_id = $3' : ''}
        ${f.status ? `AND status = $${f.agentId ? 4 : 3}` : ''} ORDER BY id DESC LIMIT $2`,
      [workspaceId, f.limit + 1, ...(f.agentId ? [f.agentId] : []), ...(f.status ? [f.status] : [])],
    );
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  async logs(workspaceId: string, executionId: string, f: LogFilter): Promise<ExecutionLogView[] | null> {
    const exists: unknown[] = await this.ds.query(`SELECT 1 FROM executions.executions WHERE id = $1 AND workspace_id = $2`, [
      executionId,
      workspaceId,
    ]);
    if (exists.length === 0) return null;
    const where = ['execution_id = $1'];
    const params: unknown[] = [executionId];
    const after = decodeCursor<{ seq: number }>(f.cursor, ['seq']);
    if (after) {
      params.push(Number(after.seq));
      where.push(`seq > $${params.length}`);
    }
    if (f.level) {
      params.push(f.level);
      where.push(`level = $${params.length}`);
    }
    if (f.stepId) {
      params.push(f.stepId);
      where.push(`step_id = $${params.length}`);
    }
    params.push(f.limit + 1);
    const rows: {
      seq: number;
      at: Date;
      level: LogLevel;
      step_id: string | null;
      message: string;
      data: Record<string, unknown> | null;
    }[] = await this.ds.query(
      `SELECT seq, at, level, step_id, message, data FROM executions.execution_logs WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({ seq: r.seq, at: r.at.toISOString(), level: r.level, step_id: r.step_id, message: r.message, data: r.data }));
  }

  /** Marks that someone wants the run cancelled; the holder of its claim stops at the next step boundary. */
  async requestCancel(workspaceId: string, id: string): Promise<void> {
    await this.ds.query(`UPDATE executions.executions SET cancel_requested = true WHERE id = $1 AND workspace_id = $2`, [id, workspaceId]);
  }

  /**
   * Cancels a run nobody holds (queued, waiting, or between retries) in one statement: the run, its
   * waiting step, its pending approvals, a log line and the `cancelled` event. Returns the new seq,
   * or null when the run is held by a live claim or already finished.
   */
  async cancelUnclaimed(workspaceId: string, id: string, summary: string, log: LogLine, event: OutboxRow): Promise<number | null> {
    const rows: { seq: number }[] = await this.ds.query(
      `WITH e AS (
         UPDATE executions.executions SET status = 'cancelled', cancel_requested = true, finished_at = now(),
           duration_ms = (extract(epoch FROM now() - coalesce(started_at, created_at)) * 1000)::int,
           summary = $3, next_run_at = NULL, claimed_by = NULL, claim_token = NULL, claim_expires_at = NULL,
           seq = seq + 1, log_seq = log_seq + 1
         WHERE id = $1 AND workspace_id = $2 AND status IN ('queued', 'running', 'waiting')
           AND (claim_token IS NULL OR claim_expires_at < now())
         RETURNING id, seq, log_seq
       ), s AS (
         UPDATE executions.execution_steps st SET status = 'cancelled', finished_at = now(), state = NULL
           FROM e WHERE st.execution_id = e.id AND st.status IN ('waiting', 'running', 'pending')
       ), a AS (
         UPDATE executions.approvals ap SET status = 'cancelled', decided_at = now()
           FROM e WHERE ap.execution_id = e.id AND ap.status = 'pending'
       ), l AS (
         INSERT INTO executions.execution_logs (execution_id, seq, at, level, step_id, message, data)
         SELECT e.id, e.log_seq, $4, $5, NULL, $6, $7::jsonb FROM e
       ), o AS (
         INSERT INTO executions.outbox (id, subject, payload) SELECT $8, $9, $10::jsonb FROM e
       )
       SELECT seq FROM e`,
      [
        id,
        workspaceId,
        summary,
        log.at,
        log.level,
        log.message,
        log.data === null ? null : JSON.stringify(log.data),
        event.id,
        event.subject,
        JSON.stringify(event.payload),
      ],
    );
    return rows[0]?.seq ?? null;
  }
}
