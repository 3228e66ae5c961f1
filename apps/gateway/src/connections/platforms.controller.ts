import { ConnectionsRpc, PlatformView, RpcContext } from '@agentry/contracts';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx } from '../auth/rpc-context.decorator';
import { Ref } from '../http/resource-ref.pipe';
import { ApiErrors } from '../openapi/error-envelope.schema';
import { RpcClient } from '../rpc/rpc-client';

@ApiTags('Connections')
@ApiExtraModels(PlatformView)
@ApiBearerAuth()
@Controller('v1/platforms')
export class PlatformsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RequireScopes('connections:read')
  @ApiOperation({
    summary: 'List the platforms you can connect',
    description:
      'Each platform gives its auth type, the JSON Schema of its `config` (secret fields carry `"x-secret": true` and `"writeOnly": true`), ' +
      'what its test calls, and the tools a connection provides.',
  })
  @ApiOkResponse({
    schema: { type: 'object', required: ['data'], properties: { data: { type: 'array', items: { $ref: getSchemaPath(PlatformView) } } } },
  })
  @ApiErrors(403)
  list(@Ctx() ctx: RpcContext): Promise<{ data: PlatformView[] }> {
    return this.rpc.call(ConnectionsRpc.listPlatforms, {}, ctx);
  }

  @Get(':id')
  @RequireScopes('connections:read')
  @ApiParam({ name: 'id', description: 'Platform id', example: 'slack' })
  @ApiOperation({ summary: 'Get one platform: its config schema and tools' })
  @ApiOkResponse({ type: PlatformView })
  @ApiErrors(403, 404)
  get(@Ctx() ctx: RpcContext, @Param('id', Ref('Platform')) id: string): Promise<PlatformView> {
    return this.rpc.call(ConnectionsRpc.getPlatform, { platform: id }, ctx);
  }
}
