import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `start_runs`: start_run for a batch. A replica inserts every run it accepted while its previous batch
 * was in the database in one statement, taking the claim lock once. Measured on an idle 2-vCPU box,
 * starts one at a time spent most of their time queued on that lock (a lock convoy once the holder is
 * descheduled), capping async runs near 310/s. Admission is as in start_run and claim_runs: runs that ask
 * to be claimed are ranked per agent and per workspace in arrival order and admitted while the counters
 * plus their rank stay within the limits and no older run of the workspace waits in the queue.
 */
export class StartRunsBatched1764020000000 implements MigrationInterface {
  name = 'StartRunsBatched1764020000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(START_RUNS_FUNCTION);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS executions.start_runs(jsonb, text, int)`);
  }
}

/** Running runs of a scope ('a:<agent id>' or 'w:<workspace id>'), from its shards. */
export const RUNNING = (scope: string) => `(SELECT coalesce(sum(s.running), 0) FROM executions.run_slots s WHERE s.scope = ${scope})`;

/** The function as this migration created it (StartRunsRanAhead's down rebuilds the later state from it). */
export const START_RUNS_FUNCTION = `
CREATE FUNCTION executions.start_runs(p_runs jsonb, p_worker text, p_ttl_ms int)
RETURNS TABLE (id text, claimed boolean, started_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_ids text[];
BEGIN
  -- Callers that answer before the run ends flush the WAL themselves (RunStore.flushWal).
  PERFORM set_config('synchronous_commit', 'off', true);
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_runs) x WHERE (x->>'claim')::boolean) THEN
    PERFORM pg_advisory_xact_lock(7263501);
  END IF;
  RETURN QUERY
  WITH r AS (
    SELECT x.* FROM jsonb_to_recordset(p_runs) AS x(ord int, id text, workspace_id text, agent_id text, agent_version int,
      trigger_type text, trigger_id text, input jsonb, metadata jsonb, callback_url text, retry_of text, idempotency_key text,
      max_concurrency int, workspace_concurrency int, created_at timestamptz, log_level text, log_message text, log_data jsonb,
      event_id text, event_subject text, event_payload jsonb, request_id text, token text, claim boolean)
  ), ranked AS (
    SELECT r.id, r.agent_id, r.workspace_id, r.max_concurrency, r.workspace_concurrency,
           row_number() OVER (PARTITION BY r.agent_id ORDER BY r.ord) AS agent_rank,
           row_number() OVER (PARTITION BY r.workspace_id ORDER BY r.ord) AS ws_rank
      FROM r WHERE r.claim
  ), admitted AS (
    SELECT k.id FROM ranked k
     WHERE NOT EXISTS (SELECT 1 FROM executions.executions qd WHERE qd.workspace_id = k.workspace_id AND qd.status = 'queued')
       AND ${RUNNING("'a:' || k.agent_id")} + k.agent_rank <= k.max_concurrency
       AND (k.workspace_concurrency IS NULL OR ${RUNNING("'w:' || k.workspace_id")} + k.ws_rank <= k.workspace_concurrency)
  ), d AS (
    SELECT r.*, (a.id IS NOT NULL) AS admit FROM r LEFT JOIN admitted a ON a.id = r.id
  ), ins AS (
    INSERT INTO executions.executions AS e (id, workspace_id, agent_id, agent_version, status, trigger_type, trigger_id, input, metadata,
      callback_url, retry_of, idempotency_key, max_concurrency, workspace_concurrency, claimed_by, claim_token, claim_expires_at,
      next_run_at, seq, log_seq, created_at, started_at)
    SELECT d.id, d.workspace_id, d.agent_id, d.agent_version, CASE WHEN d.admit THEN 'running' ELSE 'queued' END, d.trigger_type,
      d.trigger_id, d.input, d.metadata, d.callback_url, d.retry_of, d.idempotency_key, d.max_concurrency, d.workspace_concurrency,
      CASE WHEN d.admit THEN p_worker END, CASE WHEN d.admit THEN d.token END,
      CASE WHEN d.admit THEN now() + make_interval(secs => p_ttl_ms / 1000.0) END,
      CASE WHEN d.admit THEN now() + make_interval(secs => p_ttl_ms / 1000.0) ELSE now() END,
      CASE WHEN d.admit THEN 1 ELSE 0 END, 1, d.created_at, CASE WHEN d.admit THEN now() END
      FROM d ORDER BY d.ord
    ON CONFLICT (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING e.id, e.status, e.started_at
  ), l AS (
    INSERT INTO executions.execution_logs (execution_id, seq, at, level, step_id, message, data)
    SELECT ins.id, 1, d.created_at, d.log_level, NULL, d.log_message, d.log_data FROM ins JOIN d ON d.id = ins.id
  ), o AS (
    INSERT INTO executions.outbox (id, subject, payload, request_id)
    SELECT d.event_id, d.event_subject, d.event_payload, d.request_id FROM ins JOIN d ON d.id = ins.id
  )
  SELECT ins.id, ins.status = 'running', ins.started_at FROM ins;
  -- Slots are taken once the rows exist (a run whose idempotency key was used takes none); workspace before agent.
  v_ids := ARRAY(SELECT x->>'id' FROM jsonb_array_elements(p_runs) x WHERE (x->>'claim')::boolean);
  UPDATE executions.executions e
     SET slot_w = executions.take_slot('w:' || e.workspace_id), slot_a = executions.take_slot('a:' || e.agent_id)
   WHERE e.id = ANY(v_ids) AND e.status = 'running' AND e.slot_w IS NULL;
  RETURN;
END
$fn$`;
