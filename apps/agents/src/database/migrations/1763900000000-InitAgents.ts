import { createBaseTables, dropBaseTables } from '@agentry/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitAgents1763900000000 implements MigrationInterface {
  name = 'InitAgents1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await createBaseTables(q, 'agents');
    await q.query(`
      CREATE TABLE agents.agents (
        id text PRIMARY KEY,
        workspace_id text NOT NULL,
        slug text NOT NULL,
        name text NOT NULL,
        description text,
        tags text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
        version int NOT NULL DEFAULT 1,
        definition jsonb NOT NULL,
        llm jsonb,
        max_concurrency int NOT NULL DEFAULT 10,
        max_tokens_per_run int,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT agents_workspace_id_slug_key UNIQUE (workspace_id, slug)
      )`);
    await q.query(`CREATE INDEX agents_workspace_id_id_idx ON agents.agents (workspace_id, id DESC)`);
    await q.query(`CREATE INDEX agents_tags_idx ON agents.agents USING gin (tags)`);
    await q.query(`
      CREATE TABLE agents.agent_versions (
        agent_id text NOT NULL REFERENCES agents.agents (id) ON DELETE CASCADE,
        version int NOT NULL,
        definition jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT agent_versions_pkey PRIMARY KEY (agent_id, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agents.agent_versions`);
    await q.query(`DROP TABLE agents.agents`);
    await dropBaseTables(q, 'agents');
  }
}
