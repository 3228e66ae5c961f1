import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marks the keys the bootstrap registered (AGENTRY_BOOTSTRAP_API_KEY), so a new bootstrap key can revoke
 * the old one without touching instance-admin keys a person created. Until now only the bootstrap made
 * instance-admin keys, always named 'bootstrap': those are the existing ones.
 */
export class BootstrapKeyMarker1764100000000 implements MigrationInterface {
  name = 'BootstrapKeyMarker1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.api_keys ADD COLUMN is_bootstrap boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE gateway.api_keys SET is_bootstrap = true WHERE instance_admin AND name = 'bootstrap'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.api_keys DROP COLUMN is_bootstrap`);
  }
}
