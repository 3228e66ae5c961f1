import {
  ApprovalChannel,
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
import { ApprovalLinks, LinkClaims, linkApprover } from './approval-links';
import { toApprovalView } from './approval-view';
import { ApprovalsError } from './approvals.errors';
import { ApprovalsRepository } from './approvals.repository';
import { hasDecided, linkFits } from './approvers';

/** Who decides, and with what: an API key (ctx.actor), or a signed link (its claims say whom it acts as). */
interface Decider {
  approver: string;
  via: ApprovalChannel;
  link?: LinkClaims;
}

/**
 * `executions.approvals.decide` (an API key is the approver) and `…decide_link` (a signed link is: the
 * approver it was made for, or `link:<id>` for the unnamed link). A rejection decides at once; an approval
 * needs `approvals_required` distinct approvers, and each approver decides once. The decision is written
 * into the waiting step, the run is made due, and every replica is woken to resume it.
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
    const decider: Decider = { approver: ctx.actor ?? 'unknown', via: 'api_key' };
    return this.decide(ctx.workspace_id, msg.approval, msg.decision, decider, msg.comment ?? null);
  }

  byLink(msg: DecideApprovalByLinkMessage): Promise<ApprovalView> {
    const claims = this.links.verify(msg.token);
    if (!claims || claims.a !== msg.approval || claims.d !== msg.decision) throw ApprovalsError.badLink();
    return this.decide(claims.w, claims.a, claims.d, { approver: linkApprover(claims), via: 'link', link: claims }, msg.comment ?? null);
  }

  private async decide(
    workspaceId: string,
    approvalId: string,
    decision: ApprovalDecision,
    { approver, via, link }: Decider,
    comment: string | null,
  ): Promise<ApprovalView> {
    const view = await this.ds.transaction(async (m) => {
      const a = await this.repo.lock(m, workspaceId, approvalId);
      if (!a) throw link ? ApprovalsError.badLink() : ApprovalsError.notFound(approvalId);
      if (link && !linkFits(a, link)) throw ApprovalsError.badLink();
      const runFinished = !!a.run_status && TERMINAL_STATUSES.includes(a.run_status as never);
      if (a.status === 'cancelled' || (runFinished && a.status === 'pending'))
        throw ApprovalsError.runFinished(a.run_status ?? 'cancelled');
      if (a.status !== 'pending') throw ApprovalsError.decided(a.status);
      if (a.expires_at && a.expires_at.getTime() <= Date.now()) throw ApprovalsError.decided('expired');
      const sameLink = a.decisions.some((d) => d.approver === approver && d.decision === decision);
      // Before links had holders, an unnamed link was spent per decision ('approve' or 'reject' in links_used).
      if (link && (sameLink || (link.p === undefined && a.links_used.includes(decision)))) throw ApprovalsError.linkUsed();
      if (hasDecided(a, approver)) throw ApprovalsError.sameApprover(approver);
      a.decisions = [...a.decisions, { approver, via, decision, comment, at: new Date().toISOString() }];
      if (link) a.links_used = [...a.links_used, `${decision}:${approver}`];
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
