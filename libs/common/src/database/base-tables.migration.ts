import { QueryRunner } from 'typeorm';

/**
 * The outbox and processed-events tables every service has in its own schema.
 * Called from each service's first migration so the tables live with the service's data.
 */
export async function createBaseTables(q: QueryRunner, schema: string): Promise<void> {
  await q.query(`
    CREATE TABLE "${schema}".outbox (
      seq bigserial PRIMARY KEY,
      id text NOT NULL,
      subject text NOT NULL,
      payload jsonb NOT NULL,
      request_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz,
      attempts int NOT NULL DEFAULT 0,
      last_error text,
      CONSTRAINT outbox_id_key UNIQUE (id)
    )`);
  await q.query(`CREATE INDEX outbox_unpublished_idx ON "${schema}".outbox (seq) WHERE published_at IS NULL`);
  await q.query(`
    CREATE TABLE "${schema}".processed_events (
      consumer text NOT NULL,
      event_id text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT processed_events_pkey PRIMARY KEY (consumer, event_id)
    )`);
}

export async function dropBaseTables(q: QueryRunner, schema: string): Promise<void> {
  await q.query(`DROP TABLE IF EXISTS "${schema}".processed_events`);
  await q.query(`DROP TABLE IF EXISTS "${schema}".outbox`);
}
