import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ApprovalDecisionRecord {
  approver: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  at: string;
}

/** What a decided approval means for its step; kept in the step's state so a resumed run needs no extra read. */
export interface ApprovalOutcome {
  status: 'approved' | 'rejected' | 'expired';
  approver: string | null;
  comment: string | null;
  decisions: ApprovalDecisionRecord[];
}

export function outcomeOf(status: string, decisions: ApprovalDecisionRecord[]): ApprovalOutcome | null {
  if (status !== 'approved' && status !== 'rejected') return null;
  const last = [...decisions].reverse().find((d) => d.decision === (status === 'approved' ? 'approve' : 'reject'));
  return { status, approver: last?.approver ?? null, comment: last?.comment ?? null, decisions };
}

/** The engine's side of approvals: expiring one without racing a decision that lands at the same time. */
@Injectable()
export class ApprovalsStore {
  constructor(private readonly ds: DataSource) {}

  /** Expires a pending approval; returns the decision instead when one was made first. */
  async expire(approvalId: string): Promise<ApprovalOutcome | null> {
    const rows: { status: string; decisions: ApprovalDecisionRecord[]; expired: boolean }[] = await this.ds.query(
      `WITH upd AS (
         UPDATE executions.approvals SET status = 'expired', decided_at = now() WHERE id = $1 AND status = 'pending' RETURNING id
       )
       SELECT a.status, a.decisions, EXISTS (SELECT 1 FROM upd) AS expired FROM executions.approvals a WHERE a.id = $1`,
      [approvalId],
    );
    const row = rows[0];
    if (!row || row.expired) return null;
    return outcomeOf(row.status, row.decisions);
  }
}
