import { ExecutionsRpc, HooksRpc, HookView, RpcContext, RunAcceptedView } from '@agentry/contracts';
import { AppError, Public, SERVICE_CONFIG } from '@agentry/common';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx } from '../auth/rpc-context.decorator';
import { GatewayConfig } from '../config/gateway.config';
import { Ref } from '../http/resource-ref.pipe';
import { ApiErrors } from '../openapi/error-envelope.schema';
import { RpcClient } from '../rpc/rpc-client';
import { authenticateHookCall } from './hook-authenticator';
import { rawBody } from './raw-body';

const HOOK_ID = /^hook_[0-9A-HJKMNP-TV-Z]{26}$/;
const AgentParam = () => ApiParam({ name: 'id', description: 'Agent id (`agt_…`) or slug', example: 'lead-qualifier' });

@ApiTags('Inbound hooks')
@Controller('v1')
export class HooksController {
  constructor(
    private readonly rpc: RpcClient,
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
      "Starts an async run of the hook's agent with the JSON body as input. No API key: authenticate with the hook key or a signature. Wrong key 401, paused agent 409, body not JSON 415, too large 413.",
  })
  @ApiAcceptedResponse({ type: RunAcceptedView })
  @ApiErrors(400, 401, 404, 409, 413, 415)
  async call(@Req() req: FastifyRequest, @Param('hook_id') hookId: string, @Body() body: unknown): Promise<RunAcceptedView> {
    if (!HOOK_ID.test(hookId)) throw AppError.notFound('Hook', hookId.slice(0, 80));
    const input = body ?? {};
    if (typeof input !== 'object' || Array.isArray(input)) {
      throw AppError.invalid('The body must be a JSON object; it becomes the run input', [
        { field: 'body', reason: 'must be a JSON object' },
      ]);
    }
    const system: RpcContext = { workspace_id: '*', request_id: req.id, actor: 'hook' };
    const hook = await this.rpc.call(HooksRpc.resolve, { hook_id: hookId }, system);
    authenticateHookCall(hook, req.headers, rawBody(req));
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
      { workspace_id: hook.workspace_id, request_id: req.id, actor: `hook:${hook.hook_id}` },
    );
    return { execution_id: started.execution.id, status: started.execution.status };
  }

  private withUrl(view: HookView): HookView {
    return { ...view, url: `${this.config.PUBLIC_URL.replace(/\/$/, '')}${view.url}` };
  }
}
