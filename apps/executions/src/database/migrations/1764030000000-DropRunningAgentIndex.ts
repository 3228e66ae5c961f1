import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Running runs are counted by run_slots now, so nothing reads the partial index of running runs per agent.
 * Every run still paid for it (an entry at start, dead at the end, piling up until vacuum under one key).
 */
export class DropRunningAgentIndex1764030000000 implements MigrationInterface {
  name = 'DropRunningAgentIndex1764030000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS executions.executions_running_agent_id_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS executions_running_agent_id_idx ON executions.executions (agent_id) WHERE status = 'running'`,
    );
  }
}
