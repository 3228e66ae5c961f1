import { LOGGER, Logger } from '@agentry/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { affected } from '../database/returning';
import { SecretOwner, SecretSealer } from './secret-sealer';

const BATCH = 500;

interface PlaintextRow {
  id: string;
  workspace_id: string;
  secret: string;
  previous_secret: string | null;
}

/** The two tables holding signing secrets, with how a row names its owner (the AAD). */
const TABLES = [
  { table: 'webhooks.endpoints', key: 'id', owner: (r: PlaintextRow): SecretOwner => ({ workspaceId: r.workspace_id, endpointId: r.id }) },
  {
    table: 'webhooks.callback_signers',
    key: 'workspace_id',
    owner: (r: PlaintextRow): SecretOwner => ({ workspaceId: r.workspace_id, endpointId: null }),
  },
] as const;

/**
 * Seals signing secrets still stored in plaintext (rows from before encryption, or written by a replica of
 * the previous version during a rolling update), at every start. Not a migration: migrations here are SQL
 * only and run in the migrate Job, while this needs WEBHOOK_SECRETS_KEY and must also catch rows the old
 * replicas write after the migrations ran. Idempotent and safe beside other replicas: a row is
 * rewritten only if it still holds the plaintext that was read (compare-and-set), and sealed values are
 * never touched.
 */
@Injectable()
export class PlaintextSecretsSweep implements OnApplicationBootstrap {
  constructor(
    private readonly ds: DataSource,
    private readonly sealer: SecretSealer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const sealed = await this.run();
      if (sealed > 0) this.logger.info({ rows: sealed }, 'webhooks: sealed signing secrets stored in plaintext');
    } catch (err) {
      // the plaintext rows keep working (they are read as is); the next start tries again
      this.logger.error({ err: (err as Error).message }, 'webhooks: sealing plaintext signing secrets failed');
    }
  }

  /** Rows rewritten, all tables. */
  async run(): Promise<number> {
    let total = 0;
    for (const t of TABLES) {
      let after = '';
      for (;;) {
        const rows: PlaintextRow[] = await this.ds.query(
          `SELECT ${t.key} AS id, workspace_id, secret, previous_secret FROM ${t.table}
            WHERE (secret NOT LIKE 'v1.%' OR previous_secret NOT LIKE 'v1.%') AND ${t.key} > $1
            ORDER BY ${t.key} LIMIT $2`,
          [after, BATCH],
        );
        if (rows.length === 0) break;
        after = rows[rows.length - 1].id;
        const seal = (r: PlaintextRow, v: string | null) => (v === null ? null : this.sealer.ensureSealed(v, t.owner(r)));
        const res: unknown = await this.ds.query(
          `UPDATE ${t.table} x SET secret = v.secret, previous_secret = v.previous
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS v(id, old_secret, old_previous, secret, previous)
            WHERE x.${t.key} = v.id AND x.secret = v.old_secret AND x.previous_secret IS NOT DISTINCT FROM v.old_previous`,
          [
            rows.map((r) => r.id),
            rows.map((r) => r.secret),
            rows.map((r) => r.previous_secret),
            rows.map((r) => seal(r, r.secret)),
            rows.map((r) => seal(r, r.previous_secret)),
          ],
        );
        total += affected(res);
        if (rows.length < BATCH) break;
      }
    }
    return total;
  }
}
