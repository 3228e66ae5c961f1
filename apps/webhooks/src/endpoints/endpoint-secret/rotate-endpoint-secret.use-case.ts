import { RotateWebhookSecretMessage, RpcContext, WebhookSecretView } from '@agentry/contracts';
import { SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WebhooksConfig } from '../../config/webhooks.config';
import { SecretSealer } from '../../signing/secret-sealer';
import { generateSecret } from '../../signing/webhook-secret';
import { EndpointsError } from '../endpoints.errors';
import { EndpointsRepository, toSecretView } from '../endpoints.repository';

/**
 * A new signing secret; the old one keeps signing beside it (both signatures in `webhook-signature`)
 * for WEBHOOKS_SECRET_OVERLAP_MS (24 h), so receivers can switch without dropping a delivery.
 */
@Injectable()
export class RotateEndpointSecretUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: EndpointsRepository,
    private readonly sealer: SecretSealer,
    @Inject(SERVICE_CONFIG) private readonly config: WebhooksConfig,
  ) {}

  async execute(ctx: RpcContext, msg: RotateWebhookSecretMessage): Promise<WebhookSecretView> {
    const endpoint = await this.ds.transaction(async (m) => {
      const e = await this.repo.find(ctx.workspace_id, msg.endpoint, m, true);
      if (!e) throw EndpointsError.notFound(msg.endpoint);
      const now = new Date();
      const owner = { workspaceId: e.workspaceId, endpointId: e.id };
      e.previousSecret = this.sealer.ensureSealed(e.secret, owner);
      e.previousSecretExpiresAt = new Date(now.getTime() + this.config.WEBHOOKS_SECRET_OVERLAP_MS);
      e.secret = this.sealer.seal(msg.secret ?? generateSecret(), owner);
      e.updatedAt = now;
      await this.repo.update(m, e);
      return e;
    });
    return toSecretView(this.sealer.opened(endpoint, { workspaceId: endpoint.workspaceId, endpointId: endpoint.id }));
  }
}
