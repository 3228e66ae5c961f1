import {
  ApprovalDecision,
  ApprovalView,
  DecideApprovalRequest,
  ExecutionsRpc,
  ListApprovalsQuery,
  Page,
  RpcContext,
} from '@agentry/contracts';
import { AppError, Public } from '@agentry/common';
import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx } from '../auth/rpc-context.decorator';
import { Ref } from '../http/resource-ref.pipe';
import { ApiErrors, ApiPage } from '../openapi/error-envelope.schema';
import { RpcClient } from '../rpc/rpc-client';
import { approvalLinkPage } from './approval-link-page';

const ApprovalParam = () => ApiParam({ name: 'id', description: 'Approval id (`apr_…`)', example: 'apr_01JD5Z4Q9X7N3B2V1C0M8K6H4G' });
const TokenParam = () => ApiParam({ name: 'token', description: 'The signed token of an `approve_url` or `reject_url`' });
const TOKEN = /^[A-Za-z0-9_-]{1,800}\.[A-Za-z0-9_-]{1,100}$/;

/** The approval and decision a link names (its signature is checked by the executions service). */
function readLink(token: string): { approval: string; decision: ApprovalDecision } {
  try {
    if (!TOKEN.test(token)) throw new Error('malformed');
    const claims = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as { a?: unknown; d?: unknown };
    if (typeof claims.a !== 'string' || (claims.d !== 'approve' && claims.d !== 'reject')) throw new Error('malformed');
    return { approval: claims.a.slice(0, 80), decision: claims.d };
  } catch {
    throw AppError.notFound('Approval link');
  }
}

/** A link acts for nobody in particular: its token says which workspace and approval. */
const linkCtx = (req: FastifyRequest): RpcContext => ({ workspace_id: '*', request_id: req.id, actor: 'link' });

@ApiTags('Approvals')
@Controller('v1')
export class ApprovalsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('approvals')
  @ApiBearerAuth()
  @RequireScopes('executions:read')
  @ApiOperation({
    summary: 'List approvals, newest first',
    description: 'Filter by `status` (e.g. `pending`), `agent_id` or `execution_id`.',
  })
  @ApiPage(ApprovalView)
  @ApiErrors(400, 403)
  list(@Ctx() ctx: RpcContext, @Query() query: ListApprovalsQuery): Promise<Page<ApprovalView>> {
    return this.rpc.call(ExecutionsRpc.listApprovals, query, ctx);
  }

  @Get('approvals/:id')
  @ApiBearerAuth()
  @RequireScopes('executions:read')
  @ApprovalParam()
  @ApiOperation({ summary: 'Get an approval' })
  @ApiOkResponse({ type: ApprovalView })
  @ApiErrors(403, 404)
  get(@Ctx() ctx: RpcContext, @Param('id', Ref('Approval')) id: string): Promise<ApprovalView> {
    return this.rpc.call(ExecutionsRpc.getApproval, { approval: id }, ctx);
  }

  @Post('approvals/:id/approve')
  @HttpCode(200)
  @ApiBearerAuth()
  @RequireScopes('agents:approve')
  @ApprovalParam()
  @ApiOperation({
    summary: 'Approve',
    description:
      'Records your approval (the API key is the approver). Once `approvals_required` distinct approvers have approved, the run resumes and the step outputs `{ approved: true, comment, approver }`. Deciding twice, a decided or expired approval, or a finished run is a 409.',
  })
  @ApiOkResponse({ type: ApprovalView })
  @ApiErrors(400, 403, 404, 409)
  approve(@Ctx() ctx: RpcContext, @Param('id', Ref('Approval')) id: string, @Body() body: DecideApprovalRequest): Promise<ApprovalView> {
    return this.rpc.call(ExecutionsRpc.decideApproval, { approval: id, decision: 'approve', ...body }, ctx);
  }

  @Post('approvals/:id/reject')
  @HttpCode(200)
  @ApiBearerAuth()
  @RequireScopes('agents:approve')
  @ApprovalParam()
  @ApiOperation({
    summary: 'Reject',
    description:
      'Rejects at once: the step fails with APPROVAL_REJECTED (or the run goes on with `on_error: continue`). A decided approval or a finished run is a 409.',
  })
  @ApiOkResponse({ type: ApprovalView })
  @ApiErrors(400, 403, 404, 409)
  reject(@Ctx() ctx: RpcContext, @Param('id', Ref('Approval')) id: string, @Body() body: DecideApprovalRequest): Promise<ApprovalView> {
    return this.rpc.call(ExecutionsRpc.decideApproval, { approval: id, decision: 'reject', ...body }, ctx);
  }

  @Get('approval-links/:token')
  @Public()
  @TokenParam()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  @ApiProduces('text/html')
  @ApiOperation({
    summary: 'Show a signed approval link',
    description:
      'No API key: the signed token is the credential. Shows the approval and a button; it does not act by itself, so link previews and mail scanners cannot decide.',
  })
  @ApiOkResponse({ description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } })
  @ApiErrors(404)
  async showLink(@Req() req: FastifyRequest, @Param('token') token: string): Promise<string> {
    const link = readLink(token);
    const info = await this.rpc.call(ExecutionsRpc.approvalLinkInfo, { ...link, token }, linkCtx(req));
    return approvalLinkPage(info);
  }

  @Post('approval-links/:token')
  @Public()
  @HttpCode(200)
  @TokenParam()
  @ApiOperation({
    summary: 'Use a signed approval link',
    description:
      'No API key: the signed, expiring token names the approval and the decision, and works once (a second use is a 409). The approver is recorded as `link`.',
  })
  @ApiOkResponse({ type: ApprovalView })
  @ApiErrors(400, 404, 409)
  useLink(@Req() req: FastifyRequest, @Param('token') token: string, @Body() body: DecideApprovalRequest): Promise<ApprovalView> {
    const link = readLink(token);
    return this.rpc.call(ExecutionsRpc.decideApprovalByLink, { ...link, token, ...body }, linkCtx(req));
  }
}
