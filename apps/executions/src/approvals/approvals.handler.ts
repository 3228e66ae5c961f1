import { ApprovalRef, DecideApprovalByLinkMessage, DecideApprovalMessage, ExecutionsRpc, ListApprovalsQuery } from '@agentry/contracts';
import { Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DecideApprovalUseCase } from './decide-approval.use-case';
import { ListApprovalsUseCase } from './list-approvals.use-case';

@Controller()
export class ApprovalsHandler {
  constructor(
    private readonly approvals: ListApprovalsUseCase,
    private readonly decideApproval: DecideApprovalUseCase,
  ) {}

  @MessagePattern(ExecutionsRpc.listApprovals)
  list(@Payload(Rpc(ListApprovalsQuery)) { ctx, data }: RpcInput<ListApprovalsQuery>) {
    return this.approvals.list(ctx, data);
  }

  @MessagePattern(ExecutionsRpc.getApproval)
  get(@Payload(Rpc(ApprovalRef)) { ctx, data }: RpcInput<ApprovalRef>) {
    return this.approvals.get(ctx, data.approval);
  }

  @MessagePattern(ExecutionsRpc.decideApproval)
  decide(@Payload(Rpc(DecideApprovalMessage)) { ctx, data }: RpcInput<DecideApprovalMessage>) {
    return this.decideApproval.execute(ctx, data);
  }

  /** Signed links: the token, not ctx, says which workspace (the gateway sends ctx.workspace_id '*'). */
  @MessagePattern(ExecutionsRpc.decideApprovalByLink)
  decideByLink(@Payload(Rpc(DecideApprovalByLinkMessage)) { data }: RpcInput<DecideApprovalByLinkMessage>) {
    return this.decideApproval.byLink(data);
  }

  @MessagePattern(ExecutionsRpc.approvalLinkInfo)
  linkInfo(@Payload(Rpc(DecideApprovalByLinkMessage)) { data }: RpcInput<DecideApprovalByLinkMessage>) {
    return this.approvals.linkInfo(data);
  }
}
