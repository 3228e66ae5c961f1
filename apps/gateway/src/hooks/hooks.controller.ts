import { ErrorCode, ExecutionsRpc, HooksRpc, HookView, RpcContext, RunAcceptedView } from '@agentry/contracts';
import { AppError, Public, SERVICE_CONFIG } from '@agentry/common';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx } from '../auth/rpc-context.decorator';
import { GatewayConfig } from '../config/gateway.config';
import { Ref } from '../http/resource-ref.pipe';
import { ApiErrors } from '../openapi/error-envelope.schema';
import { AuthFailureBudget } from '../auth/auth-failure-budget';
import { enforceRateLimit } from '../rate-limit/rate-limit.guard';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { RpcClient } from '../rpc/rpc-client';
import { WorkspaceLimitsCache } from '../workspaces/workspace-limits';
import { authenticateHookCall } from './hook-authenticator';
import { rawBody } from './raw-body';

const HOOK_ID = /^hook_[0-9A-HJKMNP-TV-Z]{26}$/;
const AgentParam = () => ApiParam({ name: 'id', description: 'Agent id (`agt_…`) or slug', example: 'lead-qualifier' });

@ApiTags('Inbound hooks')
@Controller('v1')
export class HooksController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly workspaces: WorkspaceLimitsCache,
    private readonly limiter: RateLimiter,
    private readonly failures: AuthFailureBudget,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('agents/:id/hook')
  @ApiBearerAuth()
  @RequireScopes('agents:write')
  @AgentParam()
  @ApiOperation({
    summary: "The agent's inbound hook",
    description: 'Its URL, key and signing secret (made on first read). They are credentials: the route needs `agents:write`.',
  })
  @ApiOkResponse({ type: HookView })
  @ApiErrors(403, 404)
  async get(@Ctx() ctx: RpcContext, @Param('id', Ref('Agent')) id: string): Promise<HookView> {
    return this.withUrl(await this.rpc.call(HooksRpc.get, { agent: id }, ctx));
  }

  @Post('agents/:id/hook/rotate')
  @HttpCode(200)
  @ApiBearerAuth()
  @RequireScopes('agents:write')
  @AgentParam()
  @ApiOperation({
    summary: "Rotate the hook's key and signing secret",
    description: 'The URL stays; the old key and secret stop working at once.',
  })
  @ApiOkResponse({ type: HookView })
  @ApiErrors(403, 404)
  async rotate(@Ctx() ctx: RpcContext, @Param('id', Ref('Agent')) id: string): Promise<HookView> {
    return this.withUrl(await this.rpc.call(HooksRpc.rotate, { agent: id }, ctx));
  }

  @Post('hooks/:hook_id')
  @Public()
  @HttpCode(202)
  @ApiParam({ name: 'hook_id', example: 'hook_01JD5Z4Q9X7N3B2V1C0M8K6H4G' })
  @ApiHeader({ name: 'X-API-Key', required: false, description: 'The hook key (from `GET /v1/agents/{id}/hook`)' })
  @ApiHeader({
    name: 'X-Agentry-Signature',
    required: false,
    description: 'Instead of the key: `t=<unix seconds>,v1=<hex HMAC-SHA256(signing_secret, "<t>.<raw body>")>`, t within 5 minutes',
  })
  @ApiHeader({
    name: 'X-Hub-Signature-256',
    required: false,
    description: "Or GitHub's: `sha256=<hex HMAC-SHA256(signing_secret, raw body)>`",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A repeated key starts no second run and returns the first one' })
  @ApiBody({
    description: 'Any JSON object: it becomes the run input',
    schema: { type: 'object', additionalProperties: true, example: { event: 'lead.created', email: 'ada@example.com' } },
  })
  @ApiOperation({
    summary: 'Call an inbound hook',
    description:
      "Starts an async run of the hook's agent with the JSON body as input. No API key: authenticate with the hook key or a signature. Wrong key 401, paused agent 409, body not JSON 415, too large 413. An authenticated call counts against the workspace's plan like an API call: its requests per minute (`X-RateLimit-*` headers; 429 `RATE_LIMITED` with `Retry-After`) and its runs per day (429 `QUOTA_EXCEEDED`, `Retry-After` until 00:00 UTC, and no run is started).",
  })
  @ApiAcceptedResponse({ type: RunAcceptedView })
  @ApiErrors(400, 401, 404, 409, 413, 415, 429)
  async call(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('hook_id') hookId: string,
    @Body() body: unknown,
  ): Promise<RunAcceptedView> {
    // Guessing hook ids or keys spends the caller's failed-auth budget like guessing API keys (security review M2).
    const refused = this.failures.refusal(req.ip);
    if (refused) {
      reply.header('Retry-After', String(refused.retryAfter));
      throw refused.error;
    }
    if (!HOOK_ID.test(hookId)) {
      this.failures.fail(req.ip);
      throw AppError.notFound('Hook', hookId.slice(0, 80));
    }
    const input = body ?? {};
    if (typeof input !== 'object' || Array.isArray(input)) {
      throw AppError.invalid('The body must be a JSON object; it becomes the run input', [
        { field: 'body', reason: 'must be a JSON object' },
      ]);
    }
    const system: RpcContext = { workspace_id: '*', request_id: req.id, actor: 'hook' };
    let hook;
    try {
      hook = await this.rpc.call(HooksRpc.resolve, { hook_id: hookId }, system);
      authenticateHookCall(hook, req.headers, rawBody(req));
    } catch (err) {
      if (err instanceof AppError && (err.code === ErrorCode.UNAUTHORIZED || err.code === ErrorCode.NOT_FOUND)) this.failures.fail(req.ip);
      throw err;
    }
    // Only authenticated calls count: someone who merely knows the URL must not spend the workspace's budget.
    const limits = await this.workspaces.get(hook.workspace_id);
    if (!limits) throw AppError.notFound('Hook', hookId);
    await enforceRateLimit(this.limiter, reply, hook.workspace_id, limits.requestsPerMinute);
    const key = req.headers['idempotency-key'];
    const started = await this.rpc.call(
      ExecutionsRpc.start,
      {
        agent: hook.agent_id,
        input: input as Record<string, unknown>,
        async: true,
        trigger: { type: 'hook', id: hook.hook_id },
        ...(typeof key === 'string' && key.length > 0 && key.length <= 200 ? { idempotency_key: `hook:${hook.hook_id}:${key}` } : {}),
      },
      // The plan makes the run count against the workspace's runs per day and concurrent runs, as an API call's would.
      { workspace_id: hook.workspace_id, request_id: req.id, actor: `hook:${hook.hook_id}`, plan: limits.plan },
    );
    return { execution_id: started.execution.id, status: started.execution.status };
  }

  private withUrl(view: HookView): HookView {
    return { ...view, url: `${this.config.PUBLIC_URL.replace(/\/$/, '')}${view.url}` };
  }
}
