import {
  AgentExecutionsQuery,
  AgentStatsQuery,
  AgentStatsView,
  ExecutionLogView,
  ExecutionsRpc,
  ExecutionSummaryView,
  ExecutionView,
  ListExecutionLogsQuery,
  ListExecutionsQuery,
  Page,
  RpcContext,
  RunAcceptedView,
  StartRunRequest,
} from '@agentry/contracts';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IdempotencyHeader } from '../agents/agents.controller';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx } from '../auth/rpc-context.decorator';
import { Ref } from '../http/resource-ref.pipe';
import { overrideStatus } from '../http/status-override';
import { IDEMPOTENCY_HEADER } from '../idempotency/idempotency.interceptor';
import { ApiErrors, ApiPage } from '../openapi/error-envelope.schema';
import { RpcClient } from '../rpc/rpc-client';

const AgentParam = () => ApiParam({ name: 'id', description: 'Agent id (`agt_…`) or slug', example: 'lead-qualifier' });
const ExecutionParam = () => ApiParam({ name: 'id', description: 'Execution id (`exe_…`)', example: 'exe_01JD5Z4Q9X7N3B2V1C0M8K6H4G' });
const DEFAULT_WAIT_MS = 30_000;
/** The gateway waits for a sync run a little longer than the run is allowed to take before answering 202. */
const SYNC_RPC_MARGIN_MS = 5_000;

const RUN_DESCRIPTION = `Starts a run of the agent. The input is validated against the agent's \`input_schema\` (400 with one
detail per problem). **Sync** (default): waits up to \`wait_timeout_ms\` (default 30 000) and answers 200 with the finished
execution, or 202 \`{ execution_id, status }\` when it is still running (poll it, or stream it). **Async**
(\`"async": true\`): answers 202 at once. A paused agent answers 409 \`AGENT_PAUSED\`; a workspace over its plan's runs
per day answers 429 \`QUOTA_EXCEEDED\`. Runs over the agent's \`max_concurrency\` or the plan's concurrent runs wait
\`queued\`. With \`Idempotency-Key\`, a repeated request returns the same execution.`;

@ApiTags('Executions')
@ApiExtraModels(ExecutionView, RunAcceptedView)
@ApiBearerAuth()
@Controller('v1')
export class ExecutionsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('agents/:id/runs')
  @HttpCode(200)
  @RequireScopes('agents:run')
  @AgentParam()
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Run an agent', description: RUN_DESCRIPTION })
  @ApiOkResponse({ type: ExecutionView, description: 'Sync run finished (succeeded, failed, cancelled or timed out)' })
  @ApiAcceptedResponse({ type: RunAcceptedView, description: 'Async run accepted, or a sync run still going after wait_timeout_ms' })
  @ApiErrors(400, 403, 404, 409, 413)
  run(
    @Ctx() ctx: RpcContext,
    @Req() req: FastifyRequest,
    @Param('id', Ref('Agent')) id: string,
    @Body() body: StartRunRequest,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey?: string,
  ): Promise<ExecutionView | RunAcceptedView> {
    return this.start(ctx, req, id, body, idempotencyKey);
  }

  @Post('agents/:id/trigger')
  @HttpCode(200)
  @RequireScopes('agents:run')
  @AgentParam()
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Run an agent (alias of POST /v1/agents/{id}/runs)', description: RUN_DESCRIPTION })
  @ApiOkResponse({ type: ExecutionView, description: 'Sync run finished' })
  @ApiAcceptedResponse({ type: RunAcceptedView, description: 'Async run accepted, or a sync run still going after wait_timeout_ms' })
  @ApiErrors(400, 403, 404, 409, 413)
  trigger(
    @Ctx() ctx: RpcContext,
    @Req() req: FastifyRequest,
    @Param('id', Ref('Agent')) id: string,
    @Body() body: StartRunRequest,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey?: string,
  ): Promise<ExecutionView | RunAcceptedView> {
    return this.start(ctx, req, id, body, idempotencyKey);
  }

  @Get('executions')
  @RequireScopes('executions:read')
  @ApiOperation({
    summary: 'List executions, newest first',
    description:
      'Filters: `agent_id` (id or slug), `status`, `trigger_type`, and `from`/`to` on the creation time. Items leave out input, output and steps.',
  })
  @ApiPage(ExecutionSummaryView)
  @ApiErrors(400, 403)
  list(@Ctx() ctx: RpcContext, @Query() query: ListExecutionsQuery): Promise<Page<ExecutionSummaryView>> {
    return this.rpc.call(ExecutionsRpc.list, query, ctx);
  }

  @Get('agents/:id/executions')
  @RequireScopes('executions:read')
  @AgentParam()
  @ApiOperation({ summary: "List an agent's executions, newest first", description: 'Same filters as `GET /v1/executions`.' })
  @ApiPage(ExecutionSummaryView)
  @ApiErrors(400, 403, 404)
  listForAgent(
    @Ctx() ctx: RpcContext,
    @Param('id', Ref('Agent')) id: string,
    @Query() query: AgentExecutionsQuery,
  ): Promise<Page<ExecutionSummaryView>> {
    return this.rpc.call(ExecutionsRpc.list, { ...query, agent_id: id }, ctx);
  }

  @Get('agents/:id/stats')
  @RequireScopes('executions:read')
  @AgentParam()
  @ApiOperation({
    summary: "An agent's run statistics",
    description:
      'Runs, success rate (succeeded / finished, cancelled left out), p50/p95 duration, tokens and the last error, in total and per `day`, `week` (from Monday) or `month` in `timezone` (IANA, default UTC), over `from`–`to` (default: the last 30 days).',
  })
  @ApiOkResponse({ type: AgentStatsView })
  @ApiErrors(400, 403, 404)
  stats(@Ctx() ctx: RpcContext, @Param('id', Ref('Agent')) id: string, @Query() query: AgentStatsQuery): Promise<AgentStatsView> {
    return this.rpc.call(ExecutionsRpc.stats, { ...query, agent: id }, ctx);
  }

  @Get('executions/:id')
  @RequireScopes('executions:read')
  @ExecutionParam()
  @ApiOperation({
    summary: 'Get an execution',
    description: 'Input, output, error, every step with its attempts and timings, tokens used and duration.',
  })
  @ApiOkResponse({ type: ExecutionView })
  @ApiErrors(403, 404)
  get(@Ctx() ctx: RpcContext, @Param('id', Ref('Execution')) id: string): Promise<ExecutionView> {
    return this.rpc.call(ExecutionsRpc.get, { execution: id }, ctx);
  }

  @Get('executions/:id/logs')
  @RequireScopes('executions:read')
  @ExecutionParam()
  @ApiOperation({ summary: "An execution's log lines, oldest first", description: 'Filter by `level` or `step_id`; paginated.' })
  @ApiPage(ExecutionLogView)
  @ApiErrors(400, 403, 404)
  logs(
    @Ctx() ctx: RpcContext,
    @Param('id', Ref('Execution')) id: string,
    @Query() query: ListExecutionLogsQuery,
  ): Promise<Page<ExecutionLogView>> {
    return this.rpc.call(ExecutionsRpc.logs, { ...query, execution: id }, ctx);
  }

  @Post('executions/:id/cancel')
  @HttpCode(200)
  @RequireScopes('agents:run')
  @ExecutionParam()
  @ApiOperation({
    summary: 'Cancel an execution',
    description:
      'A queued or waiting run is cancelled at once; a running step (an http request, a delay) is interrupted. Answers with the execution; a run that already finished is a 409.',
  })
  @ApiOkResponse({ type: ExecutionView })
  @ApiErrors(403, 404, 409)
  cancel(@Ctx() ctx: RpcContext, @Param('id', Ref('Execution')) id: string): Promise<ExecutionView> {
    return this.rpc.call(ExecutionsRpc.cancel, { execution: id }, ctx, 15_000);
  }

  @Post('executions/:id/retry')
  @HttpCode(202)
  @RequireScopes('agents:run')
  @ExecutionParam()
  @IdempotencyHeader()
  @ApiOperation({
    summary: 'Retry an execution',
    description:
      'Starts a new async run of the same agent (its current version) with the same input, linked by `retry_of`. Only a finished run can be retried (else 409).',
  })
  @ApiAcceptedResponse({ type: RunAcceptedView })
  @ApiErrors(403, 404, 409, 429)
  retry(
    @Ctx() ctx: RpcContext,
    @Param('id', Ref('Execution')) id: string,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey?: string,
  ): Promise<RunAcceptedView> {
    return this.rpc.call(ExecutionsRpc.retry, { execution: id, ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}) }, ctx);
  }

  private async start(
    ctx: RpcContext,
    req: FastifyRequest,
    agent: string,
    body: StartRunRequest,
    idempotencyKey: string | undefined,
  ): Promise<ExecutionView | RunAcceptedView> {
    const timeout = body.async ? undefined : (body.wait_timeout_ms ?? DEFAULT_WAIT_MS) + SYNC_RPC_MARGIN_MS;
    const result = await this.rpc.call(
      ExecutionsRpc.start,
      {
        ...body,
        agent,
        trigger: { type: 'api', ...(ctx.actor ? { id: ctx.actor } : {}) },
        ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
      },
      ctx,
      timeout,
    );
    if (result.completed) return result.execution;
    overrideStatus(req, 202);
    return { execution_id: result.execution.id, status: result.execution.status };
  }
}
