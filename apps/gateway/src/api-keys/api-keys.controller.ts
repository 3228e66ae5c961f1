import { ListQuery, Page } from '@agentry/contracts';
import { AppError, pageLimit, toPage } from '@agentry/common';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Auth, type AuthInfo, RequireScopes } from '../auth/auth.decorators';
import { Authenticator } from '../auth/authenticator';
import { Ref } from '../http/resource-ref.pipe';
import { ShownOnce } from '../idempotency/idempotency.interceptor';
import { ApiErrors, ApiPage } from '../openapi/error-envelope.schema';
import { ApiKeyView, CreateApiKeyRequest, CreatedApiKeyView } from '../workspaces/workspaces.dto';
import { ApiKeysRepository } from './api-keys.repository';
import { issueApiKey, toApiKeyView } from './issue-api-key';

@ApiTags('API keys')
@ApiBearerAuth()
@RequireScopes('admin')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly ds: DataSource,
    private readonly keys: ApiKeysRepository,
    private readonly authenticator: Authenticator,
  ) {}

  @Post()
  @HttpCode(201)
  @ShownOnce('key')
  @ApiOperation({ summary: 'Create an API key in this workspace; the key is shown only in this response' })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  @ApiErrors(400, 403, 409)
  create(@Auth() auth: AuthInfo, @Body() body: CreateApiKeyRequest): Promise<CreatedApiKeyView> {
    if (body.expires_at && new Date(body.expires_at).getTime() <= Date.now()) {
      throw AppError.invalid('expires_at must be in the future', [{ field: 'expires_at', reason: 'must be in the future' }]);
    }
    return this.ds.transaction((m) =>
      issueApiKey(m, {
        workspaceId: auth.workspaceId,
        name: body.name,
        scopes: body.scopes,
        expiresAt: body.expires_at ? new Date(body.expires_at) : null,
      }),
    );
  }

  @Get()
  @ApiOperation({ summary: 'List the active API keys of this workspace (keys themselves are never shown again)' })
  @ApiPage(ApiKeyView)
  @ApiErrors(400, 403)
  async list(@Auth() auth: AuthInfo, @Query() query: ListQuery): Promise<Page<ApiKeyView>> {
    const limit = pageLimit(query.limit);
    const rows = await this.keys.list(auth.workspaceId, limit, query.cursor);
    return toPage(rows, limit, toApiKeyView, (k) => ({ id: k.id }));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiOkResponse({ schema: { example: { id: 'key_01JD5Z4Q9X7N3B2V1C0M8K6H4G', revoked: true } } })
  @ApiErrors(403, 404)
  async revoke(@Auth() auth: AuthInfo, @Param('id', Ref('API key')) id: string): Promise<{ id: string; revoked: true }> {
    const hash = await this.keys.revoke(auth.workspaceId, id);
    if (!hash) throw AppError.notFound('API key', id);
    this.authenticator.forget(hash);
    return { id, revoked: true };
  }
}
