import {
  ConnectionsRpc,
  ConnectionTestView,
  ConnectionView,
  CreateConnectionRequest,
  ListConnectionsQuery,
  Page,
  RpcContext,
  TestConnectionConfigRequest,
  UpdateConnectionRequest,
} from '@agentry/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IdempotencyHeader } from '../agents/agents.controller';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx } from '../auth/rpc-context.decorator';
import { Ref } from '../http/resource-ref.pipe';
import { ApiErrors, ApiPage } from '../openapi/error-envelope.schema';
import { RpcClient } from '../rpc/rpc-client';

const ConnectionParam = () => ApiParam({ name: 'id', description: 'Connection id', example: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4G' });
const SECRETS_NOTE = 'Secret fields are encrypted at rest (AES-256-GCM envelope) and only ever returned masked, e.g. `sk-…a1b2`.';
const TEST_NOTE =
  "Calls the platform's identity endpoint (Slack `auth.test`, GitHub `GET /user`, OpenAI-style `GET /models`…) within the test budget. " +
  'A failed test is still a 200: read `ok`, `status` and `error_message`.';

/**
 * Connections: the credentials agents act with. There is deliberately no route to `connections.resolve`
 * (decrypted config): only services inside the cluster may ask for it.
 */
@ApiTags('Connections')
@ApiBearerAuth()
@Controller('v1/connections')
export class ConnectionsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('connections:write')
  @IdempotencyHeader()
  @ApiOperation({
    summary: 'Create a connection',
    description: `\`config\` is validated against the platform's \`config_schema\` (400 names each field). ${SECRETS_NOTE} Starts \`untested\` unless \`test: true\`.`,
  })
  @ApiCreatedResponse({ type: ConnectionView })
  @ApiErrors(400, 403, 409, 413)
  create(@Ctx() ctx: RpcContext, @Body() body: CreateConnectionRequest): Promise<ConnectionView> {
    return this.rpc.call(ConnectionsRpc.create, body, ctx);
  }

  @Get()
  @RequireScopes('connections:read')
  @ApiOperation({ summary: 'List connections, newest first', description: `Filter by \`platform\` or \`status\`. ${SECRETS_NOTE}` })
  @ApiPage(ConnectionView)
  @ApiErrors(400, 403)
  list(@Ctx() ctx: RpcContext, @Query() query: ListConnectionsQuery): Promise<Page<ConnectionView>> {
    return this.rpc.call(ConnectionsRpc.list, query, ctx);
  }

  @Post('test')
  @HttpCode(200)
  @RequireScopes('connections:write')
  @ApiOperation({ summary: 'Test a config before saving it', description: `Nothing is stored. ${TEST_NOTE}` })
  @ApiOkResponse({ type: ConnectionTestView })
  @ApiErrors(400, 403, 413)
  testConfig(@Ctx() ctx: RpcContext, @Body() body: TestConnectionConfigRequest): Promise<ConnectionTestView> {
    return this.rpc.call(ConnectionsRpc.testConfig, body, ctx);
  }

  @Get(':id')
  @RequireScopes('connections:read')
  @ConnectionParam()
  @ApiOperation({ summary: 'Get a connection', description: SECRETS_NOTE })
  @ApiOkResponse({ type: ConnectionView })
  @ApiErrors(403, 404)
  get(@Ctx() ctx: RpcContext, @Param('id', Ref('Connection')) id: string): Promise<ConnectionView> {
    return this.rpc.call(ConnectionsRpc.get, { connection: id }, ctx);
  }

  @Patch(':id')
  @RequireScopes('connections:write')
  @ConnectionParam()
  @ApiOperation({
    summary: 'Update a connection',
    description:
      '`config` is merged over the stored one (secrets you leave out are kept; `null` removes a field) and validated again. A changed config sets `status` back to `untested`.',
  })
  @ApiOkResponse({ type: ConnectionView })
  @ApiErrors(400, 403, 404, 413)
  update(
    @Ctx() ctx: RpcContext,
    @Param('id', Ref('Connection')) id: string,
    @Body() body: UpdateConnectionRequest,
  ): Promise<ConnectionView> {
    return this.rpc.call(ConnectionsRpc.update, { connection: id, patch: body }, ctx);
  }

  @Delete(':id')
  @RequireScopes('connections:write')
  @ConnectionParam()
  @ApiOperation({
    summary: 'Delete a connection',
    description: 'Its encrypted secrets are deleted with it. Runs that name it fail with 424 INTEGRATION_NOT_CONNECTED.',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { id: { type: 'string' }, deleted: { type: 'boolean' } },
      example: { id: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4G', deleted: true },
    },
  })
  @ApiErrors(403, 404)
  remove(@Ctx() ctx: RpcContext, @Param('id', Ref('Connection')) id: string): Promise<{ id: string; deleted: true }> {
    return this.rpc.call(ConnectionsRpc.delete, { connection: id }, ctx);
  }

  @Post(':id/test')
  @HttpCode(200)
  @RequireScopes('connections:write')
  @ConnectionParam()
  @ApiOperation({
    summary: 'Test a saved connection',
    description: `${TEST_NOTE} Sets \`status\`, \`error_message\` and \`last_tested_at\`; credentials refused (401/403) make it \`error\` or \`expired\` and send an \`integration.disconnected\` webhook. A tool call, model call or authenticated \`http\` step whose credentials are refused (HTTP 401, a revoked or expired token) does the same; a successful test makes the connection \`active\` again.`,
  })
  @ApiOkResponse({ type: ConnectionTestView })
  @ApiErrors(403, 404)
  test(@Ctx() ctx: RpcContext, @Param('id', Ref('Connection')) id: string): Promise<ConnectionTestView> {
    return this.rpc.call(ConnectionsRpc.test, { connection: id }, ctx);
  }
}
