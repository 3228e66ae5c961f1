import { LOGGER, Logger, resealAtStart, resealStoredSecrets } from '@agentry/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HookSecrets } from './hook-secrets';

/**
 * At every start, seals hook keys and signing secrets again under the current HOOK_SECRETS_KEY where they need it:
 * during a rotation those not under it (HOOK_SECRETS_KEYRING), after one the `v2` values back into `v1`
 * (`SealedSecrets.currentPrefixes`). It logs how many values are left: once a start says none, the old key can
 * leave the ring.
 */
@Injectable()
export class HookSecretsSweep implements OnApplicationBootstrap {
  constructor(
    private readonly ds: DataSource,
    private readonly secrets: HookSecrets,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return resealAtStart(this.logger, 'agents: hook secrets', this.secrets.rotating, () => this.run());
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
