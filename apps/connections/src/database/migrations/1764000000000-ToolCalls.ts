import { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit of tool calls (who, which tool, when, outcome; never argument values or results). */
export class ToolCalls1764000000000 implements MigrationInterface {
  name = 'ToolCalls1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connections.tool_calls (
        id text PRIMARY KEY,
        workspace_id text NOT NULL,
        tool text NOT NULL,
        source text,
        connection_id text,
        actor text,
        request_id text,
        execution_id text,
        step_id text,
        status text NOT NULL CHECK (status IN ('succeeded', 'tool_error', 'failed')),
        error_code text,
        error_message text,
        argument_names text[] NOT NULL DEFAULT '{}',
        started_at timestamptz NOT NULL,
        duration_ms int NOT NULL
      )`);
    await q.query(`CREATE INDEX tool_calls_workspace_id_id_idx ON connections.tool_calls (workspace_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE connections.tool_calls`);
  }
}
