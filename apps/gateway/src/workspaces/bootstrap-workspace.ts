import { LOGGER, newId, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { hashApiKey } from '../api-keys/api-key.crypto';
import { issueApiKey } from '../api-keys/issue-api-key';
import { GatewayConfig } from '../config/gateway.config';

/**
 * With AGENTRY_BOOTSTRAP_API_KEY set, makes sure workspace `default` exists and that key is its
 * instance-admin key. Safe with several replicas starting at once (advisory lock).
 */
@Injectable()
export class BootstrapWorkspace implements OnApplicationBootstrap {
  constructor(
    private readonly ds: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const key = this.config.AGENTRY_BOOTSTRAP_API_KEY;
    if (!key) {
      this.logger.warn('AGENTRY_BOOTSTRAP_API_KEY is not set: no instance admin key, so no workspace can be created');
      return;
    }
    await this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('agentry.gateway.bootstrap'))`);
      let [ws] = await m.query(`SELECT id FROM gateway.workspaces WHERE is_default`);
      if (!ws) {
        ws = { id: newId('wks') };
        await m.query(`INSERT INTO gateway.workspaces (id, name, plan, is_default) VALUES ($1, 'default', 'enterprise', true)`, [ws.id]);
      }
      const [existing] = await m.query(`SELECT id FROM gateway.api_keys WHERE key_hash = $1`, [hashApiKey(key)]);
      if (!existing) {
        await issueApiKey(m, { workspaceId: ws.id, name: 'bootstrap', scopes: ['admin'], instanceAdmin: true, key });
        this.logger.info({ workspace_id: ws.id }, 'bootstrap admin key registered');
      }
    });
  }
}
