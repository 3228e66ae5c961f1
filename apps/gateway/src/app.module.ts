import { CoreModule } from '@agentry/common';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsController } from './agents/agents.controller';
import { SchedulesController } from './schedules/schedules.controller';
import { CONNECTIONS_CONTROLLERS } from './connections';
import { WEBHOOKS_CONTROLLERS } from './webhooks';
import { ApiKeyEntity } from './api-keys/api-key.entity';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { AuthFailureBudget } from './auth/auth-failure-budget';
import { AuthGuard } from './auth/auth.guard';
import { Authenticator } from './auth/authenticator';
import { GatewayConfig } from './config/gateway.config';
import { migrations } from './database/migrations';
import { BodyValidationPipe } from './http/body-validation.pipe';
import { ErrorEnvelopeFilter } from './http/error-envelope.filter';
import { RequestContextInterceptor } from './http/request-context.interceptor';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimiter } from './rate-limit/rate-limiter';
import { RpcClient } from './rpc/rpc-client';
import { BootstrapWorkspace } from './workspaces/bootstrap-workspace';
import { CreateWorkspaceUseCase } from './workspaces/create-workspace.use-case';
import { WorkspaceEntity } from './workspaces/workspace.entity';
import { WorkspaceLimitsCache } from './workspaces/workspace-limits';
import { WorkspacesController } from './workspaces/workspaces.controller';
import { EXECUTIONS_CONTROLLERS } from './executions';
import { TOOLS_CONTROLLERS } from './tools';

@Module({
  imports: [
    CoreModule.forRoot({ name: 'gateway', config: GatewayConfig, entities: [WorkspaceEntity, ApiKeyEntity], migrations }),
    TypeOrmModule.forFeature([WorkspaceEntity, ApiKeyEntity]),
  ],
  controllers: [
    WorkspacesController,
    ApiKeysController,
    AgentsController,
    ...CONNECTIONS_CONTROLLERS,
    ...EXECUTIONS_CONTROLLERS,
    ...WEBHOOKS_CONTROLLERS,
    SchedulesController,
    ...TOOLS_CONTROLLERS,
  ],
  providers: [
    RpcClient,
    Authenticator,
    AuthFailureBudget,
    ApiKeysRepository,
    RateLimiter,
    WorkspaceLimitsCache,
    IdempotencyRepository,
    CreateWorkspaceUseCase,
    BootstrapWorkspace,
    // order matters: authenticate, then count against the key's rate limit
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
    { provide: APP_PIPE, useClass: BodyValidationPipe },
    { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class AppModule {}
