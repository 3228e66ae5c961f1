import {
  AgentsRpc,
  AgentTemplateView,
  AgentVersionView,
  AgentView,
  CreateAgentRequest,
  ListAgentsQuery,
  ListQuery,
  Page,
  RpcContext,
  UpdateAgentRequest,
  UseTemplateRequest,
} from '@agentry/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx } from '../auth/rpc-context.decorator';
import { Ref } from '../http/resource-ref.pipe';
import { ApiErrors, ApiPage } from '../openapi/error-envelope.schema';
import { RpcClient } from '../rpc/rpc-client';

const AgentParam = () => ApiParam({ name: 'id', description: 'Agent id (`agt_…`) or slug', example: 'lead-qualifier' });
export const IdempotencyHeader = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key + same body returns the first response; another body is a 409',
  });

@ApiTags('Agents')
@ApiExtraModels(AgentTemplateView)
@ApiBearerAuth()
@Controller('v1')
export class AgentsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('agents')
  @HttpCode(201)
  @RequireScopes('agents:write')
  @IdempotencyHeader()
  @ApiOperation({
    summary: 'Create an agent',
    description: 'The definition is validated: unique step ids, known step types, JSONata that compiles, a valid input_schema.',
  })
  @ApiCreatedResponse({ type: AgentView })
  @ApiErrors(400, 403, 409, 413)
  create(@Ctx() ctx: RpcContext, @Body() body: CreateAgentRequest): Promise<AgentView> {
    return this.rpc.call(AgentsRpc.create, body, ctx);
  }

  @Get('agents')
  @RequireScopes('agents:read')
  @ApiOperation({
    summary: 'List agents, newest first',
    description: 'Filter by `status`, `tag`, or `q` (searches name, slug and description).',
  })
  @ApiPage(AgentView)
  @ApiErrors(400, 403)
  list(@Ctx() ctx: RpcContext, @Query() query: ListAgentsQuery): Promise<Page<AgentView>> {
    return this.rpc.call(AgentsRpc.list, query, ctx);
  }

  @Get('agents/:id')
  @RequireScopes('agents:read')
  @AgentParam()
  @ApiOperation({ summary: 'Get an agent by id or slug' })
  @ApiOkResponse({ type: AgentView })
  @ApiErrors(403, 404)
  get(@Ctx() ctx: RpcContext, @Param('id', Ref('Agent')) id: string): Promise<AgentView> {
    return this.rpc.call(AgentsRpc.get, { agent: id }, ctx);
  }

  @Patch('agents/:id')
  @RequireScopes('agents:write')
  @AgentParam()
  @ApiOperation({
    summary: 'Update an agent',
    description: 'A changed `definition` creates a new version; earlier versions stay readable.',
  })
  @ApiOkResponse({ type: AgentView })
  @ApiErrors(400, 403, 404, 409, 413)
  update(@Ctx() ctx: RpcContext, @Param('id', Ref('Agent')) id: string, @Body() body: UpdateAgentRequest): Promise<AgentView> {
    return this.rpc.call(AgentsRpc.update, { agent: id, patch: body }, ctx);
  }

  @Delete('agents/:id')
  @RequireScopes('agents:write')
  @AgentParam()
  @ApiOperation({ summary: 'Delete an agent', description: 'Its runs and schedules are deleted too (asynchronously, by event).' })
  @ApiOkResponse({ schema: { example: { id: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G', deleted: true } } })
  @ApiErrors(403, 404)
  remove(@Ctx() ctx: RpcContext, @Param('id', Ref('Agent')) id: string): Promise<{ id: string; deleted: true }> {
    return this.rpc.call(AgentsRpc.delete, { agent: id }, ctx);
  }

  @Post('agents/:id/pause')
  @HttpCode(200)
  @RequireScopes('agents:write')
  @AgentParam()
  @ApiOperation({ summary: 'Pause an agent: new runs are refused with 409 AGENT_PAUSED, schedules do not fire' })
  @ApiOkResponse({ type: AgentView })
  @ApiErrors(403, 404)
  pause(@Ctx() ctx: RpcContext, @Param('id', Ref('Agent')) id: string): Promise<AgentView> {
    return this.rpc.call(AgentsRpc.pause, { agent: id }, ctx);
  }

  @Post('agents/:id/resume')
  @HttpCode(200)
  @RequireScopes('agents:write')
  @AgentParam()
  @ApiOperation({ summary: 'Resume a paused agent' })
  @ApiOkResponse({ type: AgentView })
  @ApiErrors(403, 404)
  resume(@Ctx() ctx: RpcContext, @Param('id', Ref('Agent')) id: string): Promise<AgentView> {
    return this.rpc.call(AgentsRpc.resume, { agent: id }, ctx);
  }

  @Get('agents/:id/versions')
  @RequireScopes('agents:read')
  @AgentParam()
  @ApiOperation({ summary: 'List the versions of an agent definition, newest first' })
  @ApiPage(AgentVersionView)
  @ApiErrors(400, 403, 404)
  versions(@Ctx() ctx: RpcContext, @Param('id', Ref('Agent')) id: string, @Query() query: ListQuery): Promise<Page<AgentVersionView>> {
    return this.rpc.call(AgentsRpc.versions, { agent: id, ...query }, ctx);
  }

  @Get('agent-templates')
  @RequireScopes('agents:read')
  @ApiOperation({ summary: 'List agent templates' })
  @ApiOkResponse({
    schema: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/AgentTemplateView' } } } },
  })
  @ApiErrors(403)
  templates(@Ctx() ctx: RpcContext): Promise<{ data: AgentTemplateView[] }> {
    return this.rpc.call(AgentsRpc.listTemplates, {}, ctx);
  }

  @Post('agent-templates/:template_id/use')
  @HttpCode(201)
  @RequireScopes('agents:write')
  @IdempotencyHeader()
  @ApiParam({ name: 'template_id', example: 'lead-qualification' })
  @ApiOperation({ summary: 'Create an agent from a template' })
  @ApiCreatedResponse({ type: AgentView })
  @ApiErrors(400, 403, 404, 409)
  useTemplate(
    @Ctx() ctx: RpcContext,
    @Param('template_id', Ref('Template')) templateId: string,
    @Body() body: UseTemplateRequest,
  ): Promise<AgentView> {
    return this.rpc.call(AgentsRpc.useTemplate, { template_id: templateId, ...body }, ctx);
  }
}
