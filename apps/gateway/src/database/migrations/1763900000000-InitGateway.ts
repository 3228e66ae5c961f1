import { createBaseTables, dropBaseTables } from '@agentry/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitGateway1763900000000 implements MigrationInterface {
  name = 'InitGateway1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await createBaseTables(q, 'gateway');
    await q.query(`
      CREATE TABLE gateway.workspaces (
        id text PRIMARY KEY,
        name text NOT NULL,
        plan text NOT NULL CHECK (plan IN ('free', 'pro', 'enterprise')),
        requests_per_minute int,
        is_default boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX workspaces_is_default_key ON gateway.workspaces (is_default) WHERE is_default`);
    await q.query(`
      CREATE TABLE gateway.api_keys (
        id text PRIMARY KEY,
        workspace_id text NOT NULL REFERENCES gateway.workspaces (id) ON DELETE CASCADE,
        name text NOT NULL,
        key_hash text NOT NULL,
        key_prefix text NOT NULL,
        scopes text[] NOT NULL,
        instance_admin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
      )`);
    await q.query(`CREATE INDEX api_keys_workspace_id_id_idx ON gateway.api_keys (workspace_id, id DESC)`);
    await q.query(`
      CREATE TABLE gateway.idempotency_records (
        workspace_id text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        state text NOT NULL CHECK (state IN ('in_progress', 'done')),
        status_code int,
        response_body json,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT idempotency_records_pkey PRIMARY KEY (workspace_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_records_created_at_idx ON gateway.idempotency_records (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway.idempotency_records`);
    await q.query(`DROP TABLE gateway.api_keys`);
    await q.query(`DROP TABLE gateway.workspaces`);
    await dropBaseTables(q, 'gateway');
  }
}
