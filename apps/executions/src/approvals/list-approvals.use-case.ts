import { ApprovalLinkInfo, ApprovalView, DecideApprovalByLinkMessage, ListApprovalsQuery, Page, RpcContext } from '@agentry/contracts';
import { isId, pageLimit, toPage } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { ApprovalLinks, linkApprover } from './approval-links';
import { toApprovalView } from './approval-view';
import { ApprovalsError } from './approvals.errors';
import { ApprovalsRepository } from './approvals.repository';
import { linkFits, linkUsable } from './approvers';

/** `executions.approvals.list|get|link_info`. */
@Injectable()
export class ListApprovalsUseCase {
  constructor(
    private readonly repo: ApprovalsRepository,
    private readonly links: ApprovalLinks,
  ) {}

  async list(ctx: RpcContext, q: ListApprovalsQuery): Promise<Page<ApprovalView>> {
    const limit = pageLimit(q.limit);
    const rows = await this.repo.list(ctx.workspace_id, {
      status: q.status,
      agentId: q.agent_id,
      executionId: q.execution_id,
      cursor: q.cursor,
      limit,
    });
    return toPage(
      rows,
      limit,
      (r) => toApprovalView(r, this.links),
      (r) => ({ id: r.id }),
    );
  }

  async get(ctx: RpcContext, id: string): Promise<ApprovalView> {
    const row = isId('apr', id) ? await this.repo.get(ctx.workspace_id, id) : null;
    if (!row) throw ApprovalsError.notFound(id);
    return toApprovalView(row, this.links);
  }

  /** What a signed link would do, for the page its URL shows. */
  async linkInfo(msg: DecideApprovalByLinkMessage): Promise<ApprovalLinkInfo> {
    const claims = this.links.verify(msg.token);
    if (!claims || claims.a !== msg.approval || claims.d !== msg.decision) throw ApprovalsError.badLink();
    const row = await this.repo.get(claims.w, claims.a);
    if (!row || !linkFits(row, claims)) throw ApprovalsError.badLink();
    return {
      approval: toApprovalView(row, this.links),
      decision: claims.d,
      approver: linkApprover(claims),
      usable: linkUsable(row, claims),
    };
  }
}
