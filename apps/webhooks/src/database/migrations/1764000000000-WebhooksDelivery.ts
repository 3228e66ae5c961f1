import { MigrationInterface, QueryRunner } from 'typeorm';

/** Endpoints, callback signers, messages, deliveries (due in Postgres) and their attempts. */
export class WebhooksDelivery1764000000000 implements MigrationInterface {
  name = 'WebhooksDelivery1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks.endpoints (
        id text PRIMARY KEY,
        workspace_id text NOT NULL,
        url text NOT NULL,
        description text,
        event_types text[] NOT NULL,
        agent_ids text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'enabled',
        disabled_reason text,
        disabled_at timestamptz,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        rate_limit_per_second int,
        failing_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT endpoints_status_check CHECK (status IN ('enabled', 'disabled'))
      )`);
    await q.query(`CREATE INDEX endpoints_workspace_id_id_idx ON webhooks.endpoints (workspace_id, id)`);
    await q.query(`
      CREATE TABLE webhooks.callback_signers (
        workspace_id text PRIMARY KEY,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE webhooks.messages (
        id text PRIMARY KEY,
        workspace_id text NOT NULL,
        event_type text NOT NULL,
        source_event_id text,
        payload text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT messages_source_event_id_key UNIQUE (source_event_id)
      )`);
    await q.query(`CREATE INDEX messages_created_at_idx ON webhooks.messages (created_at)`);
    await q.query(`
      CREATE TABLE webhooks.deliveries (
        id text PRIMARY KEY,
        workspace_id text NOT NULL,
        message_id text NOT NULL REFERENCES webhooks.messages (id) ON DELETE CASCADE,
        endpoint_id text REFERENCES webhooks.endpoints (id) ON DELETE CASCADE,
        callback_url text,
        target_key text NOT NULL,
        event_type text NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempt_count int NOT NULL DEFAULT 0,
        schedule_step int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        lease_id text,
        last_attempt_at timestamptz,
        last_status_code int,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'succeeded', 'failed')),
        CONSTRAINT deliveries_target_check CHECK ((endpoint_id IS NULL) <> (callback_url IS NULL))
      )`);
    // the dispatcher walks it target by target (loose index scan): a dead endpoint's backlog costs one probe
    await q.query(`CREATE INDEX deliveries_pending_idx ON webhooks.deliveries (target_key, next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX deliveries_endpoint_id_id_idx ON webhooks.deliveries (endpoint_id, id)`);
    await q.query(`CREATE INDEX deliveries_message_id_idx ON webhooks.deliveries (message_id)`);
    await q.query(`CREATE INDEX deliveries_failed_idx ON webhooks.deliveries (endpoint_id, created_at) WHERE status = 'failed'`);
    await q.query(`
      CREATE TABLE webhooks.delivery_attempts (
        delivery_id text NOT NULL REFERENCES webhooks.deliveries (id) ON DELETE CASCADE,
        attempt int NOT NULL,
        started_at timestamptz NOT NULL,
        url text NOT NULL,
        status_code int,
        latency_ms int NOT NULL,
        response_excerpt text,
        error text,
        outcome text NOT NULL,
        CONSTRAINT delivery_attempts_pkey PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webhooks.delivery_attempts`);
    await q.query(`DROP TABLE IF EXISTS webhooks.deliveries`);
    await q.query(`DROP TABLE IF EXISTS webhooks.messages`);
    await q.query(`DROP TABLE IF EXISTS webhooks.callback_signers`);
    await q.query(`DROP TABLE IF EXISTS webhooks.endpoints`);
  }
}
