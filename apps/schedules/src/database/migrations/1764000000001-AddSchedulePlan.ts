import { MigrationInterface, QueryRunner } from 'typeorm';

/** The workspace's plan as last seen on an API call, forwarded when starting runs so they count against its runs per day. */
export class AddSchedulePlan1764000000001 implements MigrationInterface {
  name = 'AddSchedulePlan1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE schedules.schedules ADD COLUMN plan text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE schedules.schedules DROP COLUMN plan`);
  }
}
