import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InstanceAdmin } from '../auth/auth.decorators';
import { ShownOnce } from '../idempotency/idempotency.interceptor';
import { ApiErrors } from '../openapi/error-envelope.schema';
import { CreateWorkspaceUseCase } from './create-workspace.use-case';
import { CreatedWorkspaceView, CreateWorkspaceRequest } from './workspaces.dto';

@ApiTags('Workspaces')
@ApiBearerAuth()
@Controller('v1/workspaces')
export class WorkspacesController {
  constructor(private readonly createWorkspace: CreateWorkspaceUseCase) {}

  @Post()
  @HttpCode(201)
  @InstanceAdmin()
  @ShownOnce('api_key.key')
  @ApiOperation({ summary: 'Create a workspace (instance admin only); returns its first admin key, shown once' })
  @ApiCreatedResponse({ type: CreatedWorkspaceView })
  @ApiErrors(400, 403, 409)
  create(@Body() body: CreateWorkspaceRequest): Promise<CreatedWorkspaceView> {
    return this.createWorkspace.execute(body);
  }
}
