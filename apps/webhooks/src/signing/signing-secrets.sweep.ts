import { LOGGER, Logger, resealAtStart, ResealResult, resealStoredSecrets } from '@agentry/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretOwner, SecretSealer } from './secret-sealer';

/** A row as the sweep reads it: `id` only from endpoints (callback signers are keyed by workspace_id). */
type SecretRow = { id?: string; workspace_id: string; secret: string; previous_secret: string | null };

/** The two tables holding signing secrets, with how a row names its owner (the AAD). */
const TABLES = [
  { table: 'webhooks.endpoints', key: 'id', owner: (r: SecretRow): SecretOwner => ({ workspaceId: r.workspace_id, endpointId: r.id! }) },
  {
    table: 'webhooks.callback_signers',
    key: 'workspace_id',
    owner: (r: SecretRow): SecretOwner => ({ workspaceId: r.workspace_id, endpointId: null }),
  },
] as const;

/**
 * Seals, at every start, the signing secrets not sealed under the current WEBHOOK_SECRETS_KEY: plaintext rows
 * from before encryption (or written by a replica of that version during a rolling update), and values sealed
 * under an older key of WEBHOOK_SECRETS_KEYRING. Not a migration: migrations here are SQL only and run in the
 * migrate Job, while this needs the keys and must also catch rows the old replicas write after the migrations ran.
 * Idempotent and safe beside other replicas (`resealStoredSecrets` compares and sets). It logs how many values are
 * left under other keys: once a start says none, an old key can leave the ring.
 */
@Injectable()
export class SigningSecretsSweep implements OnApplicationBootstrap {
  constructor(
    private readonly ds: DataSource,
    private readonly sealer: SecretSealer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    // plaintext rows are read as they are meanwhile
    return resealAtStart(this.logger, 'webhooks: signing secrets', this.sealer.rotating, () => this.run());
  }

  /** Rows rewritten and values that did not open, all tables; rows left under other keys. */
  async run(): Promise<ResealResult> {
    const total = { resealed: 0, failed: 0, left: 0 };
    for (const t of TABLES) {
      const r = await resealStoredSecrets<SecretRow>(this.ds, {
        table: t.table,
        key: t.key,
        sealed: ['secret', 'previous_secret'],
        context: ['workspace_id'],
        currentPrefixes: this.sealer.currentPrefixes,
        reseal: (value, row) => this.sealer.resealed(value, t.owner(row)),
      });
      total.resealed += r.resealed;
      total.failed += r.failed;
      total.left += r.left;
    }
    return total;
  }
}
