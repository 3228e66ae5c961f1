import { MigrationInterface, QueryRunner } from 'typeorm';

const TERMINAL = `('succeeded', 'failed', 'cancelled', 'timed_out')`;

/** schedules and their fires (schedule_runs): one row per due time, unique per schedule, is what makes a fire happen once. */
export class CreateSchedules1764000000000 implements MigrationInterface {
  name = 'CreateSchedules1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE schedules.schedules (
        id text PRIMARY KEY,
        workspace_id text NOT NULL,
        agent_id text NOT NULL,
        cron text,
        interval_seconds int CHECK (interval_seconds >= 1),
        timezone text NOT NULL DEFAULT 'UTC',
        enabled boolean NOT NULL DEFAULT true,
        paused_note text,
        paused_at timestamptz,
        input jsonb NOT NULL DEFAULT '{}',
        overlap_policy text NOT NULL DEFAULT 'skip' CHECK (overlap_policy IN ('skip', 'allow', 'queue')),
        catchup text NOT NULL DEFAULT 'latest' CHECK (catchup IN ('none', 'latest', 'all')),
        catchup_window_seconds int NOT NULL DEFAULT 86400,
        agent_paused boolean NOT NULL DEFAULT false,
        agent_status_at timestamptz,
        next_run_at timestamptz,
        last_fire_id text,
        last_run_at timestamptz,
        last_status text,
        last_execution_id text,
        total_runs int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT schedules_rule_check CHECK ((cron IS NULL) <> (interval_seconds IS NULL))
      )`);
    // the scheduler's claim: due, enabled, agent not paused, oldest first
    await q.query(`CREATE INDEX schedules_due_idx ON schedules.schedules (next_run_at) WHERE enabled AND NOT agent_paused`);
    await q.query(`CREATE INDEX schedules_workspace_id_id_idx ON schedules.schedules (workspace_id, id DESC)`);
    await q.query(`CREATE INDEX schedules_agent_id_idx ON schedules.schedules (agent_id)`);
    await q.query(
      `CREATE INDEX schedules_last_execution_id_idx ON schedules.schedules (last_execution_id) WHERE last_execution_id IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE schedules.schedule_runs (
        id text PRIMARY KEY,
        schedule_id text NOT NULL REFERENCES schedules.schedules (id) ON DELETE CASCADE,
        workspace_id text NOT NULL,
        agent_id text NOT NULL,
        due_at timestamptz NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'catchup', 'backfill', 'manual')),
        state text NOT NULL CHECK (state IN ('pending', 'buffered', 'started', 'skipped', 'failed')),
        active boolean NOT NULL,
        input jsonb NOT NULL DEFAULT '{}',
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        error jsonb,
        execution_id text,
        execution_status text,
        execution_status_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        CONSTRAINT schedule_runs_active_check CHECK (
          active = (state IN ('pending', 'buffered') OR (state = 'started' AND (execution_status IS NULL OR execution_status NOT IN ${TERMINAL})))
        )
      )`);
    // a due time fires once, whichever replica, retry or backfill gets there; manual runs are not due times
    await q.query(
      `CREATE UNIQUE INDEX schedule_runs_schedule_id_due_at_key ON schedules.schedule_runs (schedule_id, due_at) WHERE trigger <> 'manual'`,
    );
    await q.query(`CREATE INDEX schedule_runs_schedule_id_id_idx ON schedules.schedule_runs (schedule_id, id DESC)`);
    await q.query(`CREATE INDEX schedule_runs_active_idx ON schedules.schedule_runs (schedule_id) WHERE active`);
    await q.query(`CREATE INDEX schedule_runs_pending_idx ON schedules.schedule_runs (next_attempt_at) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX schedule_runs_execution_id_idx ON schedules.schedule_runs (execution_id) WHERE execution_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE schedules.schedule_runs`);
    await q.query(`DROP TABLE schedules.schedules`);
  }
}
