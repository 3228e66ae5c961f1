import { MigrationInterface, QueryRunner } from 'typeorm';
import { functionDefinition } from './function-definition';
import { RUNNING, START_RUNS_FUNCTION } from './1764020000000-StartRunsBatched';

const FN = 'executions.start_runs(jsonb, text, int)';

/**
 * start_runs takes a run that already ran to its end in memory (`ahead`: its steps were all pure, see
 * RunExecutor.runAhead). If the limits admit it, it is inserted finished, with its steps, log lines and events,
 * in the statement that inserts it, and that statement waits for the disk; no claim and no slot is taken (it
 * never runs after this). If they do not, it is inserted queued like any other run and what ran ahead is
 * dropped: a worker runs it again when its turn comes. Measured on the 2-vCPU box: a run of pure steps went
 * from two statements (start, then the final commit) to one.
 *
 * It also plans less. Planning every call (force_custom_plan, from CustomPlansInClaimFunctions) cost more than
 * running it: a one-run call took 1.6–1.8 ms, 1.05–1.1 ms with cached plans. Its statements take no parameters
 * that a custom plan could use (the runs come in as JSON), and ANALYZE of a table invalidates the plans that use
 * it, so a cached plan follows the tables as they grow. fold_slot_releases becomes PL/pgSQL for the same reason:
 * a SQL function's body is planned on every call (0.2 ms here).
 *
 * A cached plan must not depend on which index looked cheapest while the table was empty. Seen in the benchmark:
 * a plan made then checked "does the workspace have a queued run?" through an index on workspace_id alone, and so
 * read every run of the workspace on every start (236 million index fetches in 60 s; starts 3x slower, until an
 * ANALYZE replaced the plan). The check now has a partial index of queued runs, the only one that fits it, and
 * sequential scans are off inside the function.
 */
export class StartRunsRanAhead1764070000000 implements MigrationInterface {
  name = 'StartRunsRanAhead1764070000000';

  async up(q: QueryRunner): Promise<void> {
    await functionDefinition(q, FN, 'PERFORM executions.fold_slot_releases();');
    await q.query(QUEUED_INDEX);
    await q.query(START_RUNS_RAN_AHEAD);
    await q.query(FOLD_PLPGSQL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(START_RUNS_BEFORE);
    await q.query(FOLD_SQL);
    await q.query(`DROP INDEX IF EXISTS executions.executions_queued_idx`);
  }
}

/** Queued runs by workspace: what admission asks ("does an older run of the workspace wait?"). */
const QUEUED_INDEX = `CREATE INDEX IF NOT EXISTS executions_queued_idx ON executions.executions (workspace_id) WHERE status = 'queued'`;

const FOLD_BODY = `
        WITH gone AS (DELETE FROM executions.run_slot_releases RETURNING scope, shard),
             agg AS (SELECT scope, shard, count(*)::int AS n FROM gone GROUP BY scope, shard)
        UPDATE executions.run_slots s SET running = s.running - agg.n FROM agg WHERE s.scope = agg.scope AND s.shard = agg.shard`;

const FOLD_PLPGSQL = `
      CREATE OR REPLACE FUNCTION executions.fold_slot_releases() RETURNS void LANGUAGE plpgsql VOLATILE AS $fn$
      BEGIN${FOLD_BODY};
      END
      $fn$`;

/** As SlotReleasesAppendOnly made it. */
const FOLD_SQL = `
      CREATE OR REPLACE FUNCTION executions.fold_slot_releases() RETURNS void LANGUAGE sql VOLATILE AS $fn$${FOLD_BODY}
      $fn$`;

const HEAD = `
CREATE OR REPLACE FUNCTION executions.start_runs(p_runs jsonb, p_worker text, p_ttl_ms int)
RETURNS TABLE (id text, claimed boolean, started_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_ids text[];
BEGIN`;

const LOCK = `
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_runs) x WHERE (x->>'claim')::boolean) THEN
    PERFORM pg_advisory_xact_lock(7263501);
    PERFORM executions.fold_slot_releases();
  END IF;`;

const ADMITTED = `
  ), ranked AS (
    SELECT r.id, r.agent_id, r.workspace_id, r.max_concurrency, r.workspace_concurrency,
           row_number() OVER (PARTITION BY r.agent_id ORDER BY r.ord) AS agent_rank,
           row_number() OVER (PARTITION BY r.workspace_id ORDER BY r.ord) AS ws_rank
      FROM r WHERE r.claim
  ), admitted AS (
    SELECT k.id FROM ranked k
     WHERE NOT EXISTS (SELECT 1 FROM executions.executions qd WHERE qd.workspace_id = k.workspace_id AND qd.status = 'queued')
       AND ${RUNNING("'a:' || k.agent_id")} + k.agent_rank <= k.max_concurrency
       AND (k.workspace_concurrency IS NULL OR ${RUNNING("'w:' || k.workspace_id")} + k.ws_rank <= k.workspace_concurrency)`;

const TAKE_SLOTS = `
  -- Slots are taken once the rows exist (a run whose idempotency key was used takes none); workspace before agent.
  v_ids := ARRAY(SELECT x->>'id' FROM jsonb_array_elements(p_runs) x WHERE (x->>'claim')::boolean);
  UPDATE executions.executions e
     SET slot_w = executions.take_slot('w:' || e.workspace_id), slot_a = executions.take_slot('a:' || e.agent_id)
   WHERE e.id = ANY(v_ids) AND e.status = 'running' AND e.slot_w IS NULL;
  RETURN;
END
$fn$`;

const RECORD = `ord int, id text, workspace_id text, agent_id text, agent_version int,
      trigger_type text, trigger_id text, input jsonb, metadata jsonb, callback_url text, retry_of text, idempotency_key text,
      max_concurrency int, workspace_concurrency int, created_at timestamptz, log_level text, log_message text, log_data jsonb,
      event_id text, event_subject text, event_payload jsonb, request_id text, token text, claim boolean`;

/** start_runs as this migration creates it (StartRunsWriteStart builds on it, and its down restores it). */
export const START_RUNS_RAN_AHEAD = `${HEAD}
  -- A batch with a run that ran ahead to its end waits for the disk (its caller answers with the outcome); the others
  -- leave that to callers that answer before the run ends (RunStore.flushWal).
  IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_runs) x WHERE jsonb_typeof(x->'ahead') = 'object') THEN
    PERFORM set_config('synchronous_commit', 'off', true);
  END IF;
  -- Cached plans here, whatever the session asks for (the executions pool plans its own statements per call).
  PERFORM set_config('plan_cache_mode', 'auto', true);
  -- Only runs that take a slot need the claim lock: one that ran ahead to its end takes none, and admitting it on a
  -- snapshot of the counters lets nothing run beyond the limits.${LOCK.replace(
    "WHERE (x->>'claim')::boolean)",
    "WHERE (x->>'claim')::boolean AND jsonb_typeof(x->'ahead') IS DISTINCT FROM 'object')",
  )}
  -- A plan made while the tables were small must still use their indexes once they are large: no sequential scans
  -- (set after the fold, whose plan costs ~1 ms more to make without them).
  PERFORM set_config('enable_seqscan', 'off', true);
  RETURN QUERY
  WITH r AS (
    SELECT x.* FROM jsonb_to_recordset(p_runs) AS x(${RECORD}, ahead jsonb)${ADMITTED}
  ), d AS (
    SELECT r.*, (a.id IS NOT NULL) AS admit, (a.id IS NOT NULL AND coalesce(jsonb_typeof(r.ahead) = 'object', false)) AS done
      FROM r LEFT JOIN admitted a ON a.id = r.id
  ), ins AS (
    INSERT INTO executions.executions AS e (id, workspace_id, agent_id, agent_version, status, trigger_type, trigger_id, input, metadata,
      callback_url, retry_of, idempotency_key, max_concurrency, workspace_concurrency, claimed_by, claim_token, claim_expires_at,
      next_run_at, seq, log_seq, created_at, started_at, output, error, summary, tokens_used, finished_at, duration_ms)
    SELECT d.id, d.workspace_id, d.agent_id, d.agent_version,
      CASE WHEN d.done THEN d.ahead->>'status' WHEN d.admit THEN 'running' ELSE 'queued' END, d.trigger_type,
      d.trigger_id, d.input, d.metadata, d.callback_url, d.retry_of, d.idempotency_key, d.max_concurrency, d.workspace_concurrency,
      CASE WHEN d.admit AND NOT d.done THEN p_worker END, CASE WHEN d.admit AND NOT d.done THEN d.token END,
      CASE WHEN d.admit AND NOT d.done THEN now() + make_interval(secs => p_ttl_ms / 1000.0) END,
      CASE WHEN d.done THEN NULL WHEN d.admit THEN now() + make_interval(secs => p_ttl_ms / 1000.0) ELSE now() END,
      CASE WHEN d.done THEN 2 WHEN d.admit THEN 1 ELSE 0 END,
      CASE WHEN d.done THEN 1 + jsonb_array_length(d.ahead->'logs') ELSE 1 END,
      d.created_at,
      CASE WHEN d.done THEN (d.ahead->>'started_at')::timestamptz WHEN d.admit THEN now() END,
      CASE WHEN d.done THEN nullif(d.ahead->'output', 'null'::jsonb) END,
      CASE WHEN d.done THEN nullif(d.ahead->'error', 'null'::jsonb) END,
      CASE WHEN d.done THEN d.ahead->>'summary' END,
      CASE WHEN d.done THEN (d.ahead->>'tokens_used')::int ELSE 0 END,
      CASE WHEN d.done THEN (d.ahead->>'finished_at')::timestamptz END,
      CASE WHEN d.done THEN (d.ahead->>'duration_ms')::int END
      -- Idempotency keys in one order in every batch: batches that no lock keeps apart cannot deadlock on two keys.
      FROM d ORDER BY d.idempotency_key, d.ord
    ON CONFLICT (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING e.id, e.status, e.started_at
  ), fin AS (
    SELECT d.* FROM ins JOIN d ON d.id = ins.id WHERE d.done
  ), st AS (
    INSERT INTO executions.execution_steps
      (execution_id, position, step_id, type, status, output, error, attempts, state, tokens_used, started_at, finished_at, duration_ms)
    SELECT fin.id, x.position, x.step_id, x.type, x.status, x.output, x.error, coalesce(x.attempts, '[]'::jsonb), x.state,
           coalesce(x.tokens_used, 0), x.started_at, x.finished_at, x.duration_ms
      FROM fin CROSS JOIN LATERAL jsonb_to_recordset(fin.ahead->'steps') AS x(position int, step_id text, type text, status text,
           output jsonb, error jsonb, attempts jsonb, state jsonb, tokens_used int, started_at timestamptz, finished_at timestamptz,
           duration_ms int)
  ), l AS (
    INSERT INTO executions.execution_logs (execution_id, seq, at, level, step_id, message, data)
    SELECT ins.id, 1, d.created_at, d.log_level, NULL, d.log_message, d.log_data FROM ins JOIN d ON d.id = ins.id
    UNION ALL
    SELECT fin.id, 1 + x.i, x.at, x.level, x.step_id, x.message, x.data
      FROM fin CROSS JOIN LATERAL jsonb_to_recordset(fin.ahead->'logs') AS x(i int, at timestamptz, level text, step_id text,
           message text, data jsonb)
  ), o AS (
    INSERT INTO executions.outbox (id, subject, payload, request_id)
    SELECT ev.id, ev.subject, ev.payload, ev.request_id FROM (
      SELECT d.ord, 0 AS k, d.event_id AS id, d.event_subject AS subject, d.event_payload AS payload, d.request_id
        FROM ins JOIN d ON d.id = ins.id
      UNION ALL
      SELECT fin.ord, x.k, x.id, x.subject, x.payload, fin.request_id
        FROM fin CROSS JOIN LATERAL jsonb_to_recordset(fin.ahead->'events') AS x(k int, id text, subject text, payload jsonb)
    ) ev ORDER BY ev.ord, ev.k
  )
  SELECT ins.id, ins.status <> 'queued', ins.started_at FROM ins;${TAKE_SLOTS}`;

/** start_runs as StartRunsBatched created it and CustomPlansInClaimFunctions and SlotReleasesAppendOnly patched it. */
const START_RUNS_BEFORE = START_RUNS_FUNCTION.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION')
  .replace(
    "PERFORM set_config('synchronous_commit', 'off', true);",
    "PERFORM set_config('synchronous_commit', 'off', true);\n  PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);",
  )
  .replace(
    'PERFORM pg_advisory_xact_lock(7263501);',
    'PERFORM pg_advisory_xact_lock(7263501);\n  PERFORM executions.fold_slot_releases();',
  );
