import { CreateWebhookEndpointRequest, RpcContext, WebhookEndpointCreatedView } from '@agentry/contracts';
import { newId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretSealer } from '../../signing/secret-sealer';
import { generateSecret } from '../../signing/webhook-secret';
import { EndpointEntity } from '../endpoint.entity';
import { EndpointUrlCheck } from '../endpoint-url.check';
import { EndpointsRepository, toEndpointView } from '../endpoints.repository';

/** `["*", "x"]` is `["*"]`. */
export function normalizeEventTypes(types: string[]): string[] {
  return types.includes('*') ? ['*'] : types;
}

/** Registers an endpoint, enabled, with a new signing secret (or the caller's) that the response shows once. */
@Injectable()
export class CreateEndpointUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: EndpointsRepository,
    private readonly urlCheck: EndpointUrlCheck,
    private readonly sealer: SecretSealer,
  ) {}

  async execute(ctx: RpcContext, req: CreateWebhookEndpointRequest): Promise<WebhookEndpointCreatedView> {
    await this.urlCheck.assertAllowed(req.url);
    const now = new Date();
    const id = newId('whe');
    const secret = req.secret ?? generateSecret();
    const endpoint = Object.assign(new EndpointEntity(), {
      id,
      workspaceId: ctx.workspace_id,
      url: req.url,
      description: req.description ?? null,
      eventTypes: normalizeEventTypes(req.event_types),
      agentIds: req.agent_ids ?? [],
      status: 'enabled' as const,
      disabledReason: null,
      disabledAt: null,
      secret: this.sealer.seal(secret, { workspaceId: ctx.workspace_id, endpointId: id }),
      previousSecret: null,
      previousSecretExpiresAt: null,
      rateLimitPerSecond: req.rate_limit_per_second ?? null,
      failingSince: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.ds.transaction((m) => this.repo.insert(m, endpoint));
    return { ...toEndpointView(endpoint), secret };
  }
}
