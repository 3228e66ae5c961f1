import { LOGGER, Logger, resealStoredSecrets } from '@agentry/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HookSecrets } from './hook-secrets';

/**
 * At every start, seals hook keys and signing secrets again under the current HOOK_SECRETS_KEY when they were
 * sealed under an older key of HOOK_SECRETS_KEYRING (or before key ids). It logs how many values are left under
 * other keys: once a start says none, the old key can leave the ring.
 */
@Injectable()
export class HookSecretsSweep implements OnApplicationBootstrap {
  constructor(
    private readonly ds: DataSource,
    private readonly secrets: HookSecrets,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const r = await this.run();
      // During a rotation every start says how many values are left under older keys, none included.
      if (r.resealed > 0 || r.left > 0 || this.secrets.rotating) {
        this.logger[r.failed > 0 ? 'error' : 'info'](
          { resealed: r.resealed, failed: r.failed, left_under_other_keys: r.left },
          'agents: hook secrets sealed again under the current key',
        );
      }
    } catch (err) {
      // values under an older key keep opening while it is in the ring; the next start tries again
      this.logger.error({ err: (err as Error).message }, 'agents: sealing hook secrets under the current key failed');
    }
  }

  run() {
    return resealStoredSecrets(this.ds, {
      table: 'agents.agent_hooks',
      key: 'id',
      sealed: ['key_sealed', 'secret_sealed'],
      currentPrefixes: this.secrets.currentPrefixes,
      reseal: (value) => this.secrets.resealed(value),
    });
  }
}
