import { createBaseTables, dropBaseTables } from '@agentry/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** The service's schema with its outbox and processed-events tables; its issue adds the domain tables. */
export class InitSchedules1763900000000 implements MigrationInterface {
  name = 'InitSchedules1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await createBaseTables(q, 'schedules');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropBaseTables(q, 'schedules');
  }
}
