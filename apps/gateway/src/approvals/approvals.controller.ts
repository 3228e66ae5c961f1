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
const TokenParam = () =>
  ApiParam({ name: 'token', description: "The signed token of an `approve_url` or `reject_url` (the approval's, or one of its `links`)" });

const USE_LINK_DESCRIPTION = `No API key: the signed, expiring token is the credential. It names the approval, the decision and whom it
acts as, and its signature covers all three.

- **Named approvers.** When the approval step names approvers (\`with.approvers: ["alice@example.com", …]\`), each gets
  their own pair of links (the approval's \`links\`) and the decision records that approver: \`approver:
  "alice@example.com"\`, \`via: "link"\`. Each named approver is one of the \`approvals_required\` distinct approvers, so N
  of them approving by link approve the step. Such an approval has no unnamed link (\`approve_url\` and \`reject_url\`
  are null).
- **No named approvers.** The approval has one unnamed pair, \`approve_url\` and \`reject_url\`: one holder, whoever has
  it, recorded as \`link:<link id>\` (the same id for both links). It counts as one approver, never more, however many
  people the link was forwarded to; to collect N approvals by link, name the approvers.

Every approver decides once: using the same link again, or the other link of the same holder, is a 409, as is a decided,
expired or cancelled approval. API keys with \`agents:approve\` may still decide beside the links (each key is one
approver). A tampered, foreign or expired token is a 404.`;

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
      'Records your approval (the API key is the approver). Once `approvals_required` distinct approvers (API keys, and the holders of signed links: see `POST /v1/approval-links/{token}`) have approved, the run resumes and the step outputs `{ approved: true, comment, approver }`. Deciding twice, a decided or expired approval, or a finished run is a 409.',
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
      'No API key: the signed token is the credential. Shows the approval, whom the link acts as, and a button; it does not act by itself, so link previews and mail scanners cannot decide.',
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
    description: USE_LINK_DESCRIPTION,
  })
  @ApiOkResponse({ type: ApprovalView })
  @ApiErrors(400, 404, 409)
  useLink(@Req() req: FastifyRequest, @Param('token') token: string, @Body() body: DecideApprovalRequest): Promise<ApprovalView> {
    const link = readLink(token);
    return this.rpc.call(ExecutionsRpc.decideApprovalByLink, { ...link, token, ...body }, linkCtx(req));
  }
}
