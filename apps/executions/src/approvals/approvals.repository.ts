import type { ApprovalChannel, ApprovalStatus } from '@agentry/contracts';
import { decodeCursor } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApprovalDecisionRecord } from '../engine/approvals-store';

/** A decision as stored; `via` is absent on decisions made before it was recorded. */
export type DecisionRecord = ApprovalDecisionRecord & { via?: ApprovalChannel };

export interface ApprovalRow {
  id: string;
  workspace_id: string;
  execution_id: string;
  agent_id: string;
  step_id: string;
  position: number;
  message: string;
  status: ApprovalStatus;
  approvals_required: number;
  decisions: DecisionRecord[];
  links_used: string[];
  /** `with.approvers` of the approval's step in the run's agent version, as stored (null when absent). */
  approvers: unknown;
  expires_at: Date | null;
  created_at: Date;
  decided_at: Date | null;
  run_status?: string;
}

export interface ApprovalFilter {
  status?: ApprovalStatus;
  agentId?: string;
  executionId?: string;
  cursor?: string;
  limit: number;
}

/**
 * The approvers the approval's step names, read from the agent version the run uses (immutable, and in
 * this service's read model: the run was started from it).
 */
const APPROVERS = `(SELECT jsonb_path_query_first(v.definition, '$.steps[*] ? (@.id == $step).with.approvers', jsonb_build_object('step', a.step_id))
     FROM executions.executions x JOIN executions.agent_versions v ON v.agent_id = x.agent_id AND v.version = x.agent_version
    WHERE x.id = a.execution_id) AS approvers`;

@Injectable()
export class ApprovalsRepository {
  constructor(private readonly ds: DataSource) {}

  async list(workspaceId: string, f: ApprovalFilter): Promise<ApprovalRow[]> {
    const where = ['a.workspace_id = $1'];
    const params: unknown[] = [workspaceId];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.status) add('a.status = ?', f.status);
    if (f.agentId) add('a.agent_id = ?', f.agentId);
    if (f.executionId) add('a.execution_id = ?', f.executionId);
    const after = decodeCursor<{ id: string }>(f.cursor, ['id']);
    if (after) add('a.id < ?', after.id);
    params.push(f.limit + 1);
    return this.ds.query(
      `SELECT a.*, ${APPROVERS} FROM executions.approvals a WHERE ${where.join(' AND ')} ORDER BY a.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async get(workspaceId: string, id: string): Promise<ApprovalRow | null> {
    const rows: ApprovalRow[] = await this.ds.query(
      `SELECT a.*, ${APPROVERS} FROM executions.approvals a WHERE a.id = $1 AND a.workspace_id = $2`,
      [id, workspaceId],
    );
    return rows[0] ?? null;
  }

  /** The approval locked for a decision, with the status of its run. */
  async lock(m: EntityManager, workspaceId: string, id: string): Promise<ApprovalRow | null> {
    const rows: ApprovalRow[] = await m.query(
      `SELECT a.*, e.status AS run_status, ${APPROVERS} FROM executions.approvals a JOIN executions.executions e ON e.id = a.execution_id
        WHERE a.id = $1 AND a.workspace_id = $2 FOR UPDATE OF a`,
      [id, workspaceId],
    );
    return rows[0] ?? null;
  }

  async saveDecision(m: EntityManager, a: ApprovalRow): Promise<void> {
    await m.query(
      `UPDATE executions.approvals SET status = $2, decisions = $3::jsonb, links_used = $4::text[],
         decided_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END
       WHERE id = $1`,
      [a.id, a.status, JSON.stringify(a.decisions), a.links_used],
    );
  }

  /**
   * Writes the outcome into the waiting step's state (what the resumed attempt reads), makes the run due
   * at once when it waits, and logs the decision on the run.
   */
  async resumeRun(m: EntityManager, a: ApprovalRow, outcome: unknown | null, message: string): Promise<void> {
    if (outcome !== null) {
      await m.query(
        `UPDATE executions.execution_steps SET state = jsonb_set(coalesce(state, '{}'::jsonb), '{runner,outcome}', $3::jsonb, true)
          WHERE execution_id = $1 AND position = $2`,
        [a.execution_id, a.position, JSON.stringify(outcome)],
      );
    }
    await m.query(
      `WITH e AS (
         UPDATE executions.executions SET log_seq = log_seq + 1,
           next_run_at = CASE WHEN $2 AND status = 'waiting' THEN now() ELSE next_run_at END
          WHERE id = $1 RETURNING id, log_seq
       )
       INSERT INTO executions.execution_logs (execution_id, seq, at, level, step_id, message, data)
       SELECT e.id, e.log_seq, now(), 'info', $3, $4, $5::jsonb FROM e`,
      [a.execution_id, outcome !== null, a.step_id, message, JSON.stringify({ approval_id: a.id })],
    );
  }
}
