import {
  BackfillResultView,
  BackfillScheduleRequest,
  CreateScheduleRequest,
  ListScheduleFiresQuery,
  ListSchedulesQuery,
  Page,
  PauseScheduleRequest,
  PreviewScheduleQuery,
  RpcContext,
  RunScheduleRequest,
  ScheduleFireView,
  SchedulePreviewView,
  SchedulesRpc,
  ScheduleView,
  UpdateScheduleRequest,
} from '@agentry/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IdempotencyHeader } from '../agents/agents.controller';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx } from '../auth/rpc-context.decorator';
import { Ref } from '../http/resource-ref.pipe';
import { ApiErrors, ApiPage } from '../openapi/error-envelope.schema';
import { RpcClient } from '../rpc/rpc-client';

const ScheduleParam = () => ApiParam({ name: 'id', description: 'Schedule id (`sch_…`)', example: 'sch_01JD5Z4Q9X7N3B2V1C0M8K6H4G' });

const DST_NOTE =
  "Cron is read in the schedule's IANA `timezone`. On a spring-forward day a wall time that does not exist fires once, shifted forward by the gap (02:30 → 03:30 in America/New_York); on a fall-back day a wall time that occurs twice fires once, at its first occurrence, and the repeated hour does not fire again. `interval_seconds` counts real seconds.";

@ApiTags('Schedules')
@ApiBearerAuth()
@Controller('v1/schedules')
export class SchedulesController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('schedules:write')
  @IdempotencyHeader()
  @ApiOperation({
    summary: 'Create a schedule',
    description: `Runs an agent on a cron expression (5 fields, 6 with seconds, or an alias such as \`@daily\`) or every \`interval_seconds\`. Each due time fires exactly once across replicas and restarts. ${DST_NOTE}`,
  })
  @ApiCreatedResponse({ type: ScheduleView })
  @ApiErrors(400, 403, 404, 409, 413)
  create(@Ctx() ctx: RpcContext, @Body() body: CreateScheduleRequest): Promise<ScheduleView> {
    return this.rpc.call(SchedulesRpc.create, body, ctx);
  }

  @Get()
  @RequireScopes('schedules:read')
  @ApiOperation({ summary: 'List schedules, newest first', description: 'Filter by `agent_id` or `enabled`.' })
  @ApiPage(ScheduleView)
  @ApiErrors(400, 403)
  list(@Ctx() ctx: RpcContext, @Query() query: ListSchedulesQuery): Promise<Page<ScheduleView>> {
    return this.rpc.call(SchedulesRpc.list, query, ctx);
  }

  @Get(':id')
  @RequireScopes('schedules:read')
  @ScheduleParam()
  @ApiOperation({
    summary: 'Get a schedule',
    description: 'With `next_run_at`, `last_run_at`, `last_status`, `last_execution_id` and `total_runs`.',
  })
  @ApiOkResponse({ type: ScheduleView })
  @ApiErrors(403, 404)
  get(@Ctx() ctx: RpcContext, @Param('id', Ref('Schedule')) id: string): Promise<ScheduleView> {
    return this.rpc.call(SchedulesRpc.get, { schedule: id }, ctx);
  }

  @Patch(':id')
  @RequireScopes('schedules:write')
  @ScheduleParam()
  @ApiOperation({
    summary: 'Update a schedule',
    description:
      'Setting `cron` replaces `interval_seconds` and the reverse. A changed rule or zone, or `enabled: true`, recomputes `next_run_at` from now. `agent_id` cannot change.',
  })
  @ApiOkResponse({ type: ScheduleView })
  @ApiErrors(400, 403, 404, 413)
  update(@Ctx() ctx: RpcContext, @Param('id', Ref('Schedule')) id: string, @Body() body: UpdateScheduleRequest): Promise<ScheduleView> {
    return this.rpc.call(SchedulesRpc.update, { schedule: id, patch: body }, ctx);
  }

  @Delete(':id')
  @RequireScopes('schedules:write')
  @ScheduleParam()
  @ApiOperation({ summary: 'Delete a schedule', description: 'Its fire history goes with it; runs already started keep running.' })
  @ApiOkResponse({ schema: { example: { id: 'sch_01JD5Z4Q9X7N3B2V1C0M8K6H4G', deleted: true } } })
  @ApiErrors(403, 404)
  remove(@Ctx() ctx: RpcContext, @Param('id', Ref('Schedule')) id: string): Promise<{ id: string; deleted: true }> {
    return this.rpc.call(SchedulesRpc.delete, { schedule: id }, ctx);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @RequireScopes('schedules:write')
  @ScheduleParam()
  @ApiOperation({ summary: 'Pause a schedule', description: 'It stops firing; the optional `note` is shown as `paused_note`.' })
  @ApiOkResponse({ type: ScheduleView })
  @ApiErrors(400, 403, 404, 413)
  pause(@Ctx() ctx: RpcContext, @Param('id', Ref('Schedule')) id: string, @Body() body: PauseScheduleRequest): Promise<ScheduleView> {
    return this.rpc.call(SchedulesRpc.pause, { schedule: id, ...body }, ctx);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @RequireScopes('schedules:write')
  @ScheduleParam()
  @ApiOperation({
    summary: 'Resume a paused schedule',
    description: 'What was due while paused is not caught up; it fires next at the first due time after now.',
  })
  @ApiOkResponse({ type: ScheduleView })
  @ApiErrors(403, 404)
  resume(@Ctx() ctx: RpcContext, @Param('id', Ref('Schedule')) id: string): Promise<ScheduleView> {
    return this.rpc.call(SchedulesRpc.resume, { schedule: id }, ctx);
  }

  @Post(':id/run')
  @HttpCode(202)
  @RequireScopes('schedules:write')
  @IdempotencyHeader()
  @ScheduleParam()
  @ApiOperation({
    summary: 'Run a schedule now',
    description:
      "Fires once now (trigger `manual`) with the schedule's input or the given one, whatever the overlap policy or pause. Answers once the run is started (`state: started` with `execution_id`), or `pending` when the executions service cannot take it yet (it is retried).",
  })
  @ApiAcceptedResponse({ type: ScheduleFireView })
  @ApiErrors(400, 403, 404, 409, 413, 424)
  run(@Ctx() ctx: RpcContext, @Param('id', Ref('Schedule')) id: string, @Body() body: RunScheduleRequest): Promise<ScheduleFireView> {
    return this.rpc.call(SchedulesRpc.run, { schedule: id, ...body }, ctx);
  }

  @Post(':id/backfill')
  @HttpCode(202)
  @RequireScopes('schedules:write')
  @IdempotencyHeader()
  @ScheduleParam()
  @ApiOperation({
    summary: 'Backfill a past window',
    description:
      'Starts the runs that would have fired between `from` and `to` (both inclusive, not in the future, at most 1000 fire times). Idempotent per due time: a due time that already fired is not run again.',
  })
  @ApiAcceptedResponse({ type: BackfillResultView })
  @ApiErrors(400, 403, 404, 413)
  backfill(
    @Ctx() ctx: RpcContext,
    @Param('id', Ref('Schedule')) id: string,
    @Body() body: BackfillScheduleRequest,
  ): Promise<BackfillResultView> {
    return this.rpc.call(SchedulesRpc.backfill, { schedule: id, ...body }, ctx);
  }

  @Get(':id/preview')
  @RequireScopes('schedules:read')
  @ScheduleParam()
  @ApiOperation({ summary: 'Preview the next fire times', description: `In UTC and as wall times of the schedule's zone. ${DST_NOTE}` })
  @ApiOkResponse({ type: SchedulePreviewView })
  @ApiErrors(400, 403, 404)
  preview(
    @Ctx() ctx: RpcContext,
    @Param('id', Ref('Schedule')) id: string,
    @Query() query: PreviewScheduleQuery,
  ): Promise<SchedulePreviewView> {
    return this.rpc.call(SchedulesRpc.preview, { schedule: id, ...query }, ctx);
  }

  @Get(':id/fires')
  @RequireScopes('schedules:read')
  @ScheduleParam()
  @ApiOperation({
    summary: "List a schedule's fires, newest due time first",
    description:
      'Each due time and what became of it: started (with its execution), skipped by the overlap policy, buffered, pending or failed.',
  })
  @ApiPage(ScheduleFireView)
  @ApiErrors(400, 403, 404)
  fires(
    @Ctx() ctx: RpcContext,
    @Param('id', Ref('Schedule')) id: string,
    @Query() query: ListScheduleFiresQuery,
  ): Promise<Page<ScheduleFireView>> {
    return this.rpc.call(SchedulesRpc.fires, { schedule: id, ...query }, ctx);
  }
}
