import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * claim_runs commits without waiting for the disk: a claim lost in a PostgreSQL crash only means the run
 * is claimed again from its last durable commit. Same function otherwise (see InitExecutions).
 */
export class ClaimsWithoutFsync1763970000000 implements MigrationInterface {
  name = 'ClaimsWithoutFsync1763970000000';

  async up(q: QueryRunner): Promise<void> {
    const rows: { def: string }[] = await q.query(
      `SELECT pg_get_functiondef('executions.claim_runs(text[], int, text, text, int)'::regprocedure) AS def`,
    );
    await q.query(
      rows[0].def.replace(
        'PERFORM pg_advisory_xact_lock(7263501);',
        "PERFORM set_config('synchronous_commit', 'off', true);\n  PERFORM pg_advisory_xact_lock(7263501);",
      ),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const rows: { def: string }[] = await q.query(
      `SELECT pg_get_functiondef('executions.claim_runs(text[], int, text, text, int)'::regprocedure) AS def`,
    );
    await q.query(rows[0].def.replace("PERFORM set_config('synchronous_commit', 'off', true);\n  ", ''));
  }
}
