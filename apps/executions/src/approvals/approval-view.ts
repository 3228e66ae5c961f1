import type { ApprovalChannel, ApprovalDecision, ApprovalView } from '@agentry/contracts';
import { ApprovalLinks, LEGACY_LINK_APPROVER } from './approval-links';
import { ApprovalRow, DecisionRecord } from './approvals.repository';
import { linkUsable, namedApprovers } from './approvers';

function channelOf(d: DecisionRecord): ApprovalChannel {
  return d.via ?? (d.approver === LEGACY_LINK_APPROVER || d.approver.startsWith('link:') ? 'link' : 'api_key');
}

/** An approval as the API shows it; its signed links only while they can still act (open, holder not decided). */
export function toApprovalView(a: ApprovalRow, links: ApprovalLinks): ApprovalView {
  const claims = (d: ApprovalDecision, p?: string) => ({ a: a.id, d, p });
  const url = (d: ApprovalDecision, p?: string) => (linkUsable(a, claims(d, p)) ? links.url(a, d, p) : null);
  const named = namedApprovers(a);
  return {
    id: a.id,
    execution_id: a.execution_id,
    agent_id: a.agent_id,
    step_id: a.step_id,
    message: a.message,
    status: a.status,
    approvals_required: a.approvals_required,
    decisions: a.decisions.map((d) => ({ approver: d.approver, via: channelOf(d), decision: d.decision, comment: d.comment, at: d.at })),
    approve_url: named === null ? url('approve') : null,
    reject_url: named === null ? url('reject') : null,
    links: (named ?? []).map((p) => ({ approver: p, approve_url: url('approve', p), reject_url: url('reject', p) })),
    expires_at: a.expires_at?.toISOString() ?? null,
    created_at: a.created_at.toISOString(),
    decided_at: a.decided_at?.toISOString() ?? null,
  };
}
