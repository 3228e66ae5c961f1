import {
  ApprovalDecision,
  ApprovalView,
  DecideApprovalByLinkMessage,
  DecideApprovalMessage,
  RpcContext,
  TERMINAL_STATUSES,
} from '@agentry/contracts';
import { isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { outcomeOf } from '../engine/approvals-store';
import { Worker } from '../engine/worker';
import { ApprovalLinks } from './approval-links';
import { toApprovalView } from './approval-view';
import { ApprovalsError } from './approvals.errors';
import { ApprovalsRepository } from './approvals.repository';

/**
 * `executions.approvals.decide` (an API key is the approver) and `…decide_link` (a signed link is). A
 * rejection decides at once; an approval needs `approvals_required` distinct approvers. The decision is
 * written into the waiting step, the run is made due, and every replica is woken to resume it.
 */
@Injectable()
export class DecideApprovalUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ApprovalsRepository,
    private readonly links: ApprovalLinks,
    private readonly worker: Worker,
  ) {}

  execute(ctx: RpcContext, msg: DecideApprovalMessage): Promise<ApprovalView> {
    if (!isId('apr', msg.approval)) throw ApprovalsError.notFound(msg.approval);
    return this.decide(ctx.workspace_id, msg.approval, msg.decision, ctx.actor ?? 'unknown', msg.comment ?? null, null);
  }

  byLink(msg: DecideApprovalByLinkMessage): Promise<ApprovalView> {
    const claims = this.links.verify(msg.token);
    if (!claims || claims.a !== msg.approval || claims.d !== msg.decision) throw ApprovalsError.badLink();
    return this.decide(claims.w, claims.a, claims.d, 'link', msg.comment ?? null, claims.d);
  }

  private async decide(
    workspaceId: string,
    approvalId: string,
    decision: ApprovalDecision,
    approver: string,
    comment: string | null,
    link: ApprovalDecision | null,
  ): Promise<ApprovalView> {
    const view = await this.ds.transaction(async (m) => {
      const a = await this.repo.lock(m, workspaceId, approvalId);
      if (!a) throw ApprovalsError.notFound(approvalId);
      const runFinished = !!a.run_status && TERMINAL_STATUSES.includes(a.run_status as never);
      if (a.status === 'cancelled' || (runFinished && a.status === 'pending'))
        throw ApprovalsError.runFinished(a.run_status ?? 'cancelled');
      if (a.status !== 'pending') throw ApprovalsError.decided(a.status);
      if (a.expires_at && a.expires_at.getTime() <= Date.now()) throw ApprovalsError.decided('expired');
      if (link && a.links_used.includes(link)) throw ApprovalsError.linkUsed();
      if (!link && a.decisions.some((d) => d.approver === approver)) throw ApprovalsError.sameApprover(approver);
      a.decisions = [...a.decisions, { approver, decision, comment, at: new Date().toISOString() }];
      if (link) a.links_used = [...a.links_used, link];
      const approvals = a.decisions.filter((d) => d.decision === 'approve').length;
      a.status = decision === 'reject' ? 'rejected' : approvals >= a.approvals_required ? 'approved' : 'pending';
      await this.repo.saveDecision(m, a);
      const outcome = outcomeOf(a.status, a.decisions);
      const what = decision === 'approve' ? 'approved' : 'rejected';
      const progress = a.status === 'pending' ? ` (${approvals} of ${a.approvals_required})` : '';
      await this.repo.resumeRun(m, a, outcome, `Approval ${a.id} ${what} by ${approver}${progress}${comment ? `: ${comment}` : ''}`);
      if (a.status !== 'pending') a.decided_at = new Date();
      return toApprovalView(a, this.links);
    });
    if (view.status !== 'pending') this.worker.wakeAll();
    return view;
  }
}
