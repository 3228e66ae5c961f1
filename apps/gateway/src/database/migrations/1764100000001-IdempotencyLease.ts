import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A lease on in-progress idempotency records: the gateway serving the request extends it while it runs,
 * so a record a crashed gateway left behind can be taken over by a retry once the lease ends (it answered
 * 409 for 24 h). Rows without one (existing rows, or rows a gateway of the previous release writes during
 * a rolling upgrade) hold 10 minutes, more than any request lasts.
 */
export class IdempotencyLease1764100000001 implements MigrationInterface {
  name = 'IdempotencyLease1764100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE gateway.idempotency_records ADD COLUMN locked_until timestamptz NOT NULL DEFAULT (now() + interval '10 minutes')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.idempotency_records DROP COLUMN locked_until`);
  }
}
