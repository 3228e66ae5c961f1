import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `start_run`: the fast path of a new run in one round trip. The replica that accepts a run inserts it
 * (with its first log line and `queued` event) already claimed by its own worker when the agent's
 * `max_concurrency` and the workspace's concurrent-run limit have room and no older run of the
 * workspace waits in the queue; otherwise the run is inserted `queued` and due at once, for claim_runs.
 * It takes claim_runs' advisory lock, so the counts are exact in the same way (each statement of a
 * VOLATILE plpgsql function takes a new snapshot). A start that answers only after the run ends (sync)
 * need not wait for the disk: the run's last commit does, and the WAL is flushed in order.
 */
export class StartRunClaimed1764000000000 implements MigrationInterface {
  name = 'StartRunClaimed1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(START_RUN_FUNCTION);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS executions.start_run(${START_RUN_ARGS})`);
  }
}

const START_RUN_ARGS =
  'text, text, text, int, text, text, jsonb, jsonb, text, text, text, int, int, timestamptz, text, text, jsonb, text, text, jsonb, text, text, text, int, boolean';

const START_RUN_FUNCTION = `
CREATE FUNCTION executions.start_run(
  p_id text, p_workspace_id text, p_agent_id text, p_agent_version int, p_trigger_type text, p_trigger_id text,
  p_input jsonb, p_metadata jsonb, p_callback_url text, p_retry_of text, p_idempotency_key text,
  p_max_concurrency int, p_workspace_concurrency int, p_created_at timestamptz,
  p_log_level text, p_log_message text, p_log_data jsonb,
  p_event_id text, p_event_subject text, p_event_payload jsonb, p_request_id text,
  p_worker text, p_token text, p_ttl_ms int, p_durable boolean)
RETURNS TABLE (id text, claimed boolean, started_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_claim boolean := p_worker IS NOT NULL;
BEGIN
  IF NOT p_durable THEN
    PERFORM set_config('synchronous_commit', 'off', true);
  END IF;
  IF v_claim THEN
    PERFORM pg_advisory_xact_lock(7263501);
    v_claim := NOT EXISTS (SELECT 1 FROM executions.executions r WHERE r.workspace_id = p_workspace_id AND r.status = 'queued')
      AND (SELECT count(*) FROM executions.executions r WHERE r.status = 'running' AND r.agent_id = p_agent_id) < p_max_concurrency
      AND (p_workspace_concurrency IS NULL
           OR (SELECT count(*) FROM executions.executions r WHERE r.workspace_id = p_workspace_id AND r.status = 'running') < p_workspace_concurrency);
  END IF;
  RETURN QUERY
  WITH ins AS (
    INSERT INTO executions.executions AS e (id, workspace_id, agent_id, agent_version, status, trigger_type, trigger_id, input, metadata,
      callback_url, retry_of, idempotency_key, max_concurrency, workspace_concurrency, claimed_by, claim_token, claim_expires_at,
      next_run_at, seq, log_seq, created_at, started_at)
    VALUES (p_id, p_workspace_id, p_agent_id, p_agent_version, CASE WHEN v_claim THEN 'running' ELSE 'queued' END, p_trigger_type,
      p_trigger_id, p_input, p_metadata, p_callback_url, p_retry_of, p_idempotency_key, p_max_concurrency, p_workspace_concurrency,
      CASE WHEN v_claim THEN p_worker END, CASE WHEN v_claim THEN p_token END,
      CASE WHEN v_claim THEN now() + make_interval(secs => p_ttl_ms / 1000.0) END,
      CASE WHEN v_claim THEN now() + make_interval(secs => p_ttl_ms / 1000.0) ELSE now() END,
      CASE WHEN v_claim THEN 1 ELSE 0 END, 1, p_created_at, CASE WHEN v_claim THEN now() END)
    ON CONFLICT (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING e.id, e.started_at
  ), l AS (
    INSERT INTO executions.execution_logs (execution_id, seq, at, level, step_id, message, data)
    SELECT ins.id, 1, p_created_at, p_log_level, NULL, p_log_message, p_log_data FROM ins
  ), o AS (
    INSERT INTO executions.outbox (id, subject, payload, request_id) SELECT p_event_id, p_event_subject, p_event_payload, p_request_id FROM ins
  )
  SELECT ins.id, v_claim, ins.started_at FROM ins;
END
$fn$`;
