import { MigrationInterface, QueryRunner } from 'typeorm';

/** start_run (one run per call) gave way to start_runs (a batch per call); nothing calls it any more. */
export class DropStartRun1764060000000 implements MigrationInterface {
  name = 'DropStartRun1764060000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS executions.start_run(${START_RUN_ARGS})`);
  }

  async down(): Promise<void> {
    // Not recreated: re-run StartRunClaimed and RunSlots to get it back.
  }
}

const START_RUN_ARGS =
  'text, text, text, int, text, text, jsonb, jsonb, text, text, text, int, int, timestamptz, text, text, jsonb, text, text, jsonb, text, text, text, int, boolean';
