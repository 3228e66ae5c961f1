import type { ApprovalView } from '@agentry/contracts';
import { ApprovalLinks } from './approval-links';
import { ApprovalRow } from './approvals.repository';

/** An approval as the API shows it; the signed links only while it can still be decided. */
export function toApprovalView(a: ApprovalRow, links: ApprovalLinks): ApprovalView {
  const open = a.status === 'pending' && (!a.expires_at || a.expires_at.getTime() > Date.now());
  const link = (d: 'approve' | 'reject') =>
    open && !a.links_used.includes(d) ? links.url(a.id, a.workspace_id, d, a.expires_at, a.created_at) : null;
  return {
    id: a.id,
    execution_id: a.execution_id,
    agent_id: a.agent_id,
    step_id: a.step_id,
    message: a.message,
    status: a.status,
    approvals_required: a.approvals_required,
    decisions: a.decisions.map((d) => ({ approver: d.approver, decision: d.decision, comment: d.comment, at: d.at })),
    approve_url: link('approve'),
    reject_url: link('reject'),
    expires_at: a.expires_at?.toISOString() ?? null,
    created_at: a.created_at.toISOString(),
    decided_at: a.decided_at?.toISOString() ?? null,
  };
}
