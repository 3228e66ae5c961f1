import { createBaseTables, dropBaseTables } from '@agentry/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The executions schema: a read model of agents (fed by agents events), runs with their claim
 * columns, steps, logs, approvals, the runs-per-day quota, and `claim_runs`, the one function
 * that moves due runs to a worker under the concurrency limits (docs/adr/0003-execution-engine.md).
 */
export class InitExecutions1763950000000 implements MigrationInterface {
  name = 'InitExecutions1763950000000';

  async up(q: QueryRunner): Promise<void> {
    await createBaseTables(q, 'executions');
    await q.query(`
      CREATE TABLE executions.agents (
        id text PRIMARY KEY,
        workspace_id text NOT NULL,
        slug text NOT NULL,
        name text,
        status text NOT NULL,
        version int NOT NULL,
        max_concurrency int NOT NULL DEFAULT 10,
        max_tokens_per_run int,
        llm jsonb,
        full_state boolean NOT NULL DEFAULT false,
        deleted boolean NOT NULL DEFAULT false,
        synced_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX agents_workspace_id_slug_idx ON executions.agents (workspace_id, slug)`);
    await q.query(`
      CREATE TABLE executions.agent_versions (
        agent_id text NOT NULL,
        version int NOT NULL,
        definition jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT agent_versions_pkey PRIMARY KEY (agent_id, version)
      )`);
    await q.query(`
      CREATE TABLE executions.executions (
        id text PRIMARY KEY,
        workspace_id text NOT NULL,
        agent_id text NOT NULL,
        agent_version int NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'timed_out')),
        trigger_type text NOT NULL,
        trigger_id text,
        input jsonb NOT NULL,
        output jsonb,
        error jsonb,
        metadata jsonb NOT NULL DEFAULT '{}',
        callback_url text,
        retry_of text,
        idempotency_key text,
        summary text,
        tokens_used int NOT NULL DEFAULT 0,
        max_concurrency int NOT NULL,
        workspace_concurrency int,
        seq int NOT NULL DEFAULT 0,
        log_seq int NOT NULL DEFAULT 0,
        cancel_requested boolean NOT NULL DEFAULT false,
        claimed_by text,
        claim_token text,
        claim_expires_at timestamptz,
        next_run_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms int
      ) WITH (fillfactor = 85)`);
    // Lists are keyset-paginated on id (a ULID: creation order), always inside one workspace.
    await q.query(`CREATE INDEX executions_workspace_id_id_idx ON executions.executions (workspace_id, id DESC)`);
    await q.query(`CREATE INDEX executions_workspace_id_agent_id_id_idx ON executions.executions (workspace_id, agent_id, id DESC)`);
    await q.query(`CREATE INDEX executions_workspace_id_status_id_idx ON executions.executions (workspace_id, status, id DESC)`);
    // Work that is due: wake-ups, retries' backoff, approval expiry, and expired claims.
    await q.query(`CREATE INDEX executions_next_run_at_idx ON executions.executions (next_run_at) WHERE next_run_at IS NOT NULL`);
    // Concurrency: what runs now, per agent (per workspace uses the status index).
    await q.query(`CREATE INDEX executions_running_agent_id_idx ON executions.executions (agent_id) WHERE status = 'running'`);
    await q.query(
      `CREATE UNIQUE INDEX executions_workspace_id_idempotency_key_key ON executions.executions (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE executions.execution_steps (
        execution_id text NOT NULL REFERENCES executions.executions (id) ON DELETE CASCADE,
        position int NOT NULL,
        step_id text NOT NULL,
        type text NOT NULL,
        status text NOT NULL,
        output jsonb,
        error jsonb,
        attempts jsonb NOT NULL DEFAULT '[]',
        state jsonb,
        tokens_used int NOT NULL DEFAULT 0,
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms int,
        CONSTRAINT execution_steps_pkey PRIMARY KEY (execution_id, position)
      )`);
    await q.query(`
      CREATE TABLE executions.execution_logs (
        execution_id text NOT NULL REFERENCES executions.executions (id) ON DELETE CASCADE,
        seq int NOT NULL,
        at timestamptz NOT NULL,
        level text NOT NULL,
        step_id text,
        message text NOT NULL,
        data jsonb,
        CONSTRAINT execution_logs_pkey PRIMARY KEY (execution_id, seq)
      )`);
    await q.query(`
      CREATE TABLE executions.approvals (
        id text PRIMARY KEY,
        workspace_id text NOT NULL,
        execution_id text NOT NULL REFERENCES executions.executions (id) ON DELETE CASCADE,
        agent_id text NOT NULL,
        step_id text NOT NULL,
        position int NOT NULL,
        message text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'cancelled')),
        approvals_required int NOT NULL DEFAULT 1,
        decisions jsonb NOT NULL DEFAULT '[]',
        links_used text[] NOT NULL DEFAULT '{}',
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz
      )`);
    await q.query(`CREATE INDEX approvals_workspace_id_status_id_idx ON executions.approvals (workspace_id, status, id DESC)`);
    await q.query(`CREATE INDEX approvals_workspace_id_id_idx ON executions.approvals (workspace_id, id DESC)`);
    await q.query(`CREATE INDEX approvals_execution_id_idx ON executions.approvals (execution_id)`);
    await q.query(`
      CREATE TABLE executions.run_quotas (
        workspace_id text NOT NULL,
        day date NOT NULL,
        granted int NOT NULL DEFAULT 0,
        last_grant int NOT NULL DEFAULT 0,
        CONSTRAINT run_quotas_pkey PRIMARY KEY (workspace_id, day)
      )`);
    await q.query(CLAIM_RUNS_FUNCTION);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS executions.claim_runs(text[], int, text, text, int)`);
    for (const table of ['run_quotas', 'approvals', 'execution_logs', 'execution_steps', 'executions', 'agent_versions', 'agents']) {
      await q.query(`DROP TABLE IF EXISTS executions.${table}`);
    }
    await dropBaseTables(q, 'executions');
  }
}

/**
 * Claims due runs for one worker in one round trip. A transaction-scoped advisory lock serialises
 * claimers, and each statement of a VOLATILE plpgsql function takes a new snapshot, so the counts of
 * running runs are exact: a run that needs a slot (queued, or waiting to resume) is claimed only while
 * its agent's max_concurrency and its workspace's concurrent-run limit have room. Runs already
 * `running` (expired claims, retries after backoff) keep their slot. `preferred` are runs this worker
 * just accepted; they come first and are claimable before they are due.
 */
const CLAIM_RUNS_FUNCTION = `
CREATE FUNCTION executions.claim_runs(preferred text[], batch int, worker text, token text, ttl_ms int)
RETURNS TABLE (id text, previous_status text, started_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock(7263501);
  RETURN QUERY
  WITH cand AS (
    SELECT e.id, e.agent_id, e.workspace_id, e.status, e.max_concurrency, e.workspace_concurrency,
           e.next_run_at, (e.id = ANY(preferred)) AS mine
      FROM executions.executions e
     WHERE e.next_run_at IS NOT NULL AND (e.next_run_at <= now() OR e.id = ANY(preferred))
     ORDER BY (e.id = ANY(preferred)) DESC, e.next_run_at
     LIMIT batch
       FOR UPDATE SKIP LOCKED
  ),
  need AS (
    SELECT c.*,
           row_number() OVER (PARTITION BY c.agent_id ORDER BY c.mine DESC, c.next_run_at, c.id) AS agent_rank,
           row_number() OVER (PARTITION BY c.workspace_id ORDER BY c.mine DESC, c.next_run_at, c.id) AS ws_rank
      FROM cand c
     WHERE c.status <> 'running'
  ),
  busy_agents AS (
    SELECT r.agent_id, count(*) AS n FROM executions.executions r
     WHERE r.status = 'running' AND r.agent_id IN (SELECT need.agent_id FROM need)
     GROUP BY r.agent_id
  ),
  busy_workspaces AS (
    SELECT r.workspace_id, count(*) AS n FROM executions.executions r
     WHERE r.status = 'running'
       AND r.workspace_id IN (SELECT need.workspace_id FROM need WHERE need.workspace_concurrency IS NOT NULL)
     GROUP BY r.workspace_id
  ),
  chosen AS (
    SELECT c.id, c.status FROM cand c WHERE c.status = 'running'
    UNION ALL
    SELECT n.id, n.status FROM need n
      LEFT JOIN busy_agents a ON a.agent_id = n.agent_id
      LEFT JOIN busy_workspaces w ON w.workspace_id = n.workspace_id
     WHERE coalesce(a.n, 0) + n.agent_rank <= n.max_concurrency
       AND (n.workspace_concurrency IS NULL OR coalesce(w.n, 0) + n.ws_rank <= n.workspace_concurrency)
  )
  UPDATE executions.executions e
     SET status = 'running',
         claimed_by = worker,
         claim_token = token,
         claim_expires_at = now() + make_interval(secs => ttl_ms / 1000.0),
         next_run_at = now() + make_interval(secs => ttl_ms / 1000.0),
         started_at = coalesce(e.started_at, now()),
         seq = e.seq + 1
    FROM chosen
   WHERE e.id = chosen.id
  RETURNING e.id, chosen.status, e.started_at;
END
$fn$`;
