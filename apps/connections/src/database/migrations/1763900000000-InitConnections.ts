import { createBaseTables, dropBaseTables } from '@agentry/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitConnections1763900000000 implements MigrationInterface {
  name = 'InitConnections1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await createBaseTables(q, 'connections');
    await q.query(`
      CREATE TABLE connections.connections (
        id text PRIMARY KEY,
        workspace_id text NOT NULL,
        platform text NOT NULL,
        name text NOT NULL,
        status text NOT NULL DEFAULT 'untested' CHECK (status IN ('untested', 'active', 'error', 'expired')),
        error_message text,
        failure_reason text CHECK (failure_reason IN ('auth', 'expired', 'unexpected')),
        last_tested_at timestamptz,
        config jsonb NOT NULL DEFAULT '{}',
        secret_masks jsonb NOT NULL DEFAULT '{}',
        secrets_ciphertext bytea NOT NULL,
        data_key_wrapped bytea NOT NULL,
        master_key_id text NOT NULL,
        encryption_version smallint NOT NULL,
        revision int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX connections_workspace_id_id_idx ON connections.connections (workspace_id, id DESC)`);
    // The rotation command looks for records whose data key is wrapped by another master key.
    await q.query(`CREATE INDEX connections_master_key_id_idx ON connections.connections (master_key_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE connections.connections`);
    await dropBaseTables(q, 'connections');
  }
}
