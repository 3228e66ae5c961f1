import { RotateWebhookSecretRequest, RpcContext, WebhookSecretView } from '@agentry/contracts';
import { SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { WebhooksConfig } from '../config/webhooks.config';
import { toSecretView } from '../endpoints/endpoints.repository';
import { SecretSealer } from '../signing/secret-sealer';
import { generateSecret } from '../signing/webhook-secret';
import { CallbackSignerEntity } from './callback-signer.entity';

const owner = (workspaceId: string) => ({ workspaceId, endpointId: null });

/**
 * The workspace's secret for run callbacks (`callback_url`), made on first use. Rotating keeps the
 * old one signing beside the new one for the overlap period, like an endpoint's.
 */
@Injectable()
export class CallbackSecretUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly sealer: SecretSealer,
    @Inject(SERVICE_CONFIG) private readonly config: WebhooksConfig,
  ) {}

  async get(ctx: RpcContext): Promise<WebhookSecretView> {
    const signer = await this.ds.transaction((m) => this.load(m, ctx.workspace_id));
    return toSecretView(this.sealer.opened(signer, owner(ctx.workspace_id)));
  }

  async rotate(ctx: RpcContext, req: RotateWebhookSecretRequest): Promise<WebhookSecretView> {
    const signer = await this.ds.transaction(async (m) => {
      const s = await this.load(m, ctx.workspace_id);
      const now = new Date();
      s.previousSecret = this.sealer.ensureSealed(s.secret, owner(ctx.workspace_id));
      s.previousSecretExpiresAt = new Date(now.getTime() + this.config.WEBHOOKS_SECRET_OVERLAP_MS);
      s.secret = this.sealer.seal(req.secret ?? generateSecret(), owner(ctx.workspace_id));
      s.updatedAt = now;
      await m.getRepository(CallbackSignerEntity).save(s);
      return s;
    });
    return toSecretView(this.sealer.opened(signer, owner(ctx.workspace_id)));
  }

  /** Locked for the transaction; created when missing. */
  private async load(m: EntityManager, workspaceId: string): Promise<CallbackSignerEntity> {
    await m.query(`INSERT INTO webhooks.callback_signers (workspace_id, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      workspaceId,
      this.sealer.seal(generateSecret(), owner(workspaceId)),
    ]);
    return m.getRepository(CallbackSignerEntity).findOneOrFail({ where: { workspaceId }, lock: { mode: 'pessimistic_write' } });
  }
}
