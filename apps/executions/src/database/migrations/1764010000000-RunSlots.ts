import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Running runs per agent and per workspace as counters, so the concurrency limits are checked by reading a
 * few rows instead of counting `status = 'running'` entries: under sustained load those index entries are
 * mostly dead versions (every run leaves one; autovacuum clears them about once a minute), and each count
 * visited all of them (1.2 ms per start after 30 s, and growing).
 *
 * A scope ('a:<agent id>', 'w:<workspace id>') is split into shards. A run takes one shard of each when it
 * starts running (start_run and claim_runs, which hold the claim lock, pick shards nobody has locked, or add
 * a shard: they never wait) and records them on its row (slot_w, slot_a); a trigger gives them back in the
 * same transaction as any move out of running (a commit, a cancel, a delete). So the counts are exact, and a
 * finishing run's lock on its shard, held until its commit is on disk, never holds up a start.
 */
export class RunSlots1764010000000 implements MigrationInterface {
  name = 'RunSlots1764010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE executions.run_slots (
        scope text NOT NULL,
        shard smallint NOT NULL,
        running int NOT NULL,
        CONSTRAINT run_slots_pkey PRIMARY KEY (scope, shard)
      ) WITH (fillfactor = 30)`);
    await q.query(`ALTER TABLE executions.executions ADD COLUMN slot_w smallint, ADD COLUMN slot_a smallint`);
    await q.query(`
      CREATE FUNCTION executions.take_slot(p_scope text) RETURNS smallint LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        k smallint;
      BEGIN
        SELECT s.shard INTO k FROM executions.run_slots s WHERE s.scope = p_scope ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF k IS NULL THEN
          -- every shard is held by a finishing run (or there is none yet): add one; callers hold the claim lock, so no race
          SELECT coalesce(max(s.shard) + 1, 0) INTO k FROM executions.run_slots s WHERE s.scope = p_scope;
          INSERT INTO executions.run_slots (scope, shard, running) VALUES (p_scope, k, 1);
        ELSE
          UPDATE executions.run_slots SET running = running + 1 WHERE scope = p_scope AND shard = k;
        END IF;
        RETURN k;
      END
      $fn$`);
    await q.query(`
      CREATE FUNCTION executions.give_back_slots() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        UPDATE executions.run_slots SET running = running - 1
         WHERE (scope = 'a:' || OLD.agent_id AND shard = OLD.slot_a) OR (scope = 'w:' || OLD.workspace_id AND shard = OLD.slot_w);
        RETURN NULL;
      END
      $fn$`);
    await q.query(`CREATE TRIGGER run_slots_update AFTER UPDATE OF status ON executions.executions
      FOR EACH ROW WHEN (OLD.status = 'running' AND NEW.status <> 'running') EXECUTE FUNCTION executions.give_back_slots()`);
    await q.query(`CREATE TRIGGER run_slots_delete AFTER DELETE ON executions.executions
      FOR EACH ROW WHEN (OLD.status = 'running') EXECUTE FUNCTION executions.give_back_slots()`);
    // Runs running now count in shard 0.
    await q.query(`UPDATE executions.executions SET slot_w = 0, slot_a = 0 WHERE status = 'running'`);
    await q.query(`
      INSERT INTO executions.run_slots (scope, shard, running)
      SELECT scope, 0, count(*) FROM (
        SELECT 'w:' || workspace_id AS scope FROM executions.executions WHERE status = 'running'
        UNION ALL
        SELECT 'a:' || agent_id FROM executions.executions WHERE status = 'running') x
      GROUP BY scope`);
    await q.query(START_RUN_FUNCTION);
    await q.query(CLAIM_RUNS_FUNCTION);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['run_slots_update', 'run_slots_delete']) await q.query(`DROP TRIGGER IF EXISTS ${t} ON executions.executions`);
    await q.query(`DROP FUNCTION IF EXISTS executions.give_back_slots()`);
    await q.query(`DROP FUNCTION IF EXISTS executions.take_slot(text)`);
    await q.query(`DROP TABLE IF EXISTS executions.run_slots`);
    await q.query(`ALTER TABLE executions.executions DROP COLUMN IF EXISTS slot_w, DROP COLUMN IF EXISTS slot_a`);
    // start_run and claim_runs keep the counter-based bodies; re-run the earlier migrations' bodies to go further back.
  }
}

/** Running runs of a scope ('a:<agent id>' or 'w:<workspace id>'), from its shards. */
const RUNNING = (scope: string) => `(SELECT coalesce(sum(s.running), 0) FROM executions.run_slots s WHERE s.scope = ${scope})`;

const START_RUN_FUNCTION = `
CREATE OR REPLACE FUNCTION executions.start_run(
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
  v_id text;
  v_started timestamptz;
BEGIN
  IF NOT p_durable THEN
    PERFORM set_config('synchronous_commit', 'off', true);
  END IF;
  IF v_claim THEN
    PERFORM pg_advisory_xact_lock(7263501);
    v_claim := NOT EXISTS (SELECT 1 FROM executions.executions r WHERE r.workspace_id = p_workspace_id AND r.status = 'queued')
      AND ${RUNNING("'a:' || p_agent_id")} < p_max_concurrency
      AND (p_workspace_concurrency IS NULL OR ${RUNNING("'w:' || p_workspace_id")} < p_workspace_concurrency);
  END IF;
  WITH ins AS (
    INSERT INTO executions.executions AS e (id, workspace_id, agent_id, agent_version, status, trigger_type, trigger_id, input, metadata,
      callback_url, retry_of, idempotency_key, max_concurrency, workspace_concurrency, claimed_by, claim_token, claim_expires_at,
      next_run_at, seq, log_seq, created_at, started_at, slot_w, slot_a)
    VALUES (p_id, p_workspace_id, p_agent_id, p_agent_version, CASE WHEN v_claim THEN 'running' ELSE 'queued' END, p_trigger_type,
      p_trigger_id, p_input, p_metadata, p_callback_url, p_retry_of, p_idempotency_key, p_max_concurrency, p_workspace_concurrency,
      CASE WHEN v_claim THEN p_worker END, CASE WHEN v_claim THEN p_token END,
      CASE WHEN v_claim THEN now() + make_interval(secs => p_ttl_ms / 1000.0) END,
      CASE WHEN v_claim THEN now() + make_interval(secs => p_ttl_ms / 1000.0) ELSE now() END,
      CASE WHEN v_claim THEN 1 ELSE 0 END, 1, p_created_at, CASE WHEN v_claim THEN now() END, NULL, NULL)
    ON CONFLICT (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING e.id, e.started_at
  ), l AS (
    INSERT INTO executions.execution_logs (execution_id, seq, at, level, step_id, message, data)
    SELECT ins.id, 1, p_created_at, p_log_level, NULL, p_log_message, p_log_data FROM ins
  ), o AS (
    INSERT INTO executions.outbox (id, subject, payload, request_id) SELECT p_event_id, p_event_subject, p_event_payload, p_request_id FROM ins
  )
  SELECT ins.id, ins.started_at INTO v_id, v_started FROM ins;
  IF v_id IS NULL THEN
    RETURN; -- the idempotency key was used: nothing inserted, no slot taken
  END IF;
  IF v_claim THEN
    -- Slots are taken once the row exists (a conflicting insert takes none); workspace before agent.
    UPDATE executions.executions SET slot_w = executions.take_slot('w:' || p_workspace_id), slot_a = executions.take_slot('a:' || p_agent_id)
     WHERE executions.executions.id = v_id;
  END IF;
  RETURN QUERY SELECT v_id, v_claim, v_started;
END
$fn$`;

const CLAIM_RUNS_FUNCTION = `
CREATE OR REPLACE FUNCTION executions.claim_runs(preferred text[], batch int, worker text, token text, ttl_ms int)
RETURNS TABLE (id text, previous_status text, started_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
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
  chosen AS (
    SELECT c.id, c.status FROM cand c WHERE c.status = 'running'
    UNION ALL
    SELECT n.id, n.status FROM need n
     WHERE ${RUNNING("'a:' || n.agent_id")} + n.agent_rank <= n.max_concurrency
       AND (n.workspace_concurrency IS NULL OR ${RUNNING("'w:' || n.workspace_id")} + n.ws_rank <= n.workspace_concurrency)
  )
  UPDATE executions.executions e
     SET status = 'running',
         claimed_by = worker,
         claim_token = token,
         claim_expires_at = now() + make_interval(secs => ttl_ms / 1000.0),
         next_run_at = now() + make_interval(secs => ttl_ms / 1000.0),
         started_at = coalesce(e.started_at, now()),
         slot_w = CASE WHEN chosen.status = 'running' THEN e.slot_w ELSE executions.take_slot('w:' || e.workspace_id) END,
         slot_a = CASE WHEN chosen.status = 'running' THEN e.slot_a ELSE executions.take_slot('a:' || e.agent_id) END,
         seq = e.seq + 1
    FROM chosen
   WHERE e.id = chosen.id
  RETURNING e.id, chosen.status, e.started_at;
END
$fn$`;
