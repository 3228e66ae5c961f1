import { MigrationInterface, QueryRunner } from 'typeorm';

/** One inbound hook per agent: its key (SHA-256 to check, sealed to show again) and its signing secret (sealed). */
export class AgentHooks1763960000000 implements MigrationInterface {
  name = 'AgentHooks1763960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agents.agent_hooks (
        id text PRIMARY KEY,
        agent_id text NOT NULL REFERENCES agents.agents (id) ON DELETE CASCADE,
        workspace_id text NOT NULL,
        key_sha256 text NOT NULL,
        key_sealed text NOT NULL,
        secret_sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz,
        CONSTRAINT agent_hooks_agent_id_key UNIQUE (agent_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agents.agent_hooks`);
  }
}
