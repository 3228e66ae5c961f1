import { LOGGER, newId, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { hashApiKey } from '../api-keys/api-key.crypto';
import { issueApiKey } from '../api-keys/issue-api-key';
import { GatewayConfig } from '../config/gateway.config';

/**
 * With AGENTRY_BOOTSTRAP_API_KEY set, makes sure workspace `default` exists and that key is its
 * instance-admin key. A new key revokes the keys earlier values registered (marked `is_bootstrap`; an
 * instance-admin key a person made stays), in the same transaction, so rotating the variable and
 * restarting retires a leaked key. A revoked key is never brought back: an old replica restarting with
 * the old value during a rollout changes nothing. Other replicas still running may accept the old key
 * from their auth cache for AUTH_CACHE_TTL_SECONDS. Safe with several replicas starting at once
 * (advisory lock).
 */
@Injectable()
export class BootstrapWorkspace implements OnApplicationBootstrap {
  constructor(
    private readonly ds: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<GatewayConfig, 'AGENTRY_BOOTSTRAP_API_KEY'>,
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
      const hash = hashApiKey(key);
      const [existing]: { id: string; is_bootstrap: boolean; revoked: boolean }[] = await m.query(
        `SELECT id, is_bootstrap, revoked_at IS NOT NULL AS revoked FROM gateway.api_keys WHERE key_hash = $1`,
        [hash],
      );
      if (!existing) {
        const issued = await issueApiKey(m, {
          workspaceId: ws.id,
          name: 'bootstrap',
          scopes: ['admin'],
          instanceAdmin: true,
          isBootstrap: true,
          key,
        });
        this.logger.info({ workspace_id: ws.id, key_id: issued.id }, 'bootstrap admin key registered');
      } else if (!existing.is_bootstrap || existing.revoked) {
        // Another key, or one revoked (by a person, or replaced): never promoted or brought back, and
        // the current bootstrap key stays, so the instance keeps an admin key.
        this.logger.warn(
          { key_id: existing.id },
          existing.revoked
            ? 'AGENTRY_BOOTSTRAP_API_KEY is a revoked key: it stays revoked; set a new value'
            : 'AGENTRY_BOOTSTRAP_API_KEY is a key the bootstrap did not create: left as it is',
        );
        return;
      }
      // An UPDATE answers [rows, count] through TypeORM's query().
      const [revoked]: [{ id: string }[], number] = await m.query(
        `UPDATE gateway.api_keys SET revoked_at = now()
          WHERE is_bootstrap AND instance_admin AND key_hash <> $1 AND revoked_at IS NULL
          RETURNING id`,
        [hash],
      );
      if (revoked.length > 0) {
        this.logger.warn({ key_ids: revoked.map((r) => r.id) }, 'earlier bootstrap admin keys revoked: AGENTRY_BOOTSTRAP_API_KEY changed');
      }
    });
  }
}
