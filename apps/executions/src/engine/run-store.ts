import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Batcher } from './batcher';
import { ApprovalInsert, ExecutionRecord, executionFromRow, LogLine, OutboxRow, StepRecord, stepFromRow } from './run-record';

export interface NewRun {
  id: string;
  workspace_id: string;
  agent_id: string;
  agent_version: number;
  trigger_type: string;
  trigger_id: string | null;
  input: unknown;
  metadata: Record<string, unknown>;
  callback_url: string | null;
  retry_of: string | null;
  idempotency_key: string | null;
  max_concurrency: number;
  workspace_concurrency: number | null;
  created_at: string;
  log: LogLine;
  event: OutboxRow;
  request_id: string | null;
  /** Claim it for this worker if the limits have room (null: leave it queued for any replica). */
  claim: { worker: string; token: string; ttlMs: number } | null;
  /** It already ran to its end in memory (RunExecutor.runAhead): insert it finished if the limits admit it. */
  ahead: RanAhead | null;
  /** Its `Run started` line and `started` event, written with it if it is claimed (see StartRunsWriteStart). */
  started: { log: LogLine; event: OutboxRow } | null;
}

/** The end state of a run that ran ahead of its insert, with everything it wrote on the way. */
export interface RanAhead {
  exe: ExecutionRecord;
  steps: StepRecord[];
  logs: LogLine[];
  events: OutboxRow[];
  /** Its metrics, counted only if it is kept (RunExecutor.countAhead). */
  counts: (() => void)[];
}

export interface InsertedRun {
  id: string;
  /**
   * Admitted by the limits: claimed by the worker named in the insert (it is `running` and the worker holds it),
   * or, for a run that ran ahead, inserted finished.
   */
  claimed: boolean;
  started_at: string | null;
}

/** The run's mutable columns as its claim holder writes them on every commit. */
export interface ExecutionWrite {
  status: string;
  output: unknown;
  error: unknown;
  summary: string | null;
  tokens_used: number;
  finished_at: string | null;
  duration_ms: number | null;
  /** Give the claim back (suspend or finish); `next_run_at` is then when the run is due again (null: never by itself). */
  release: boolean;
  next_run_at: string | null;
}

export interface CommitInput {
  id: string;
  token: string;
  exe: ExecutionWrite;
  steps: StepRecord[];
  logs: LogLine[];
  events: OutboxRow[];
  approvals: ApprovalInsert[];
  /** The run was cancelled: its pending approvals are closed too. */
  cancelApprovals: boolean;
  /**
   * Wait for the WAL to reach the disk before answering. Only a commit that may be lost without harm skips
   * it: one that keeps the claim after pure steps, which simply run again if PostgreSQL crashes first.
   */
  durable: boolean;
}

export interface ClaimedRun {
  id: string;
  previous_status: string;
  started_at: string;
}

export interface CommitResult {
  seq: number;
  /** Someone asked to cancel the run meanwhile: stop at this step boundary. */
  cancelRequested: boolean;
}

const j = (v: unknown) => JSON.stringify(v ?? null);

function ranAheadPayload({ exe, steps, logs, events }: RanAhead) {
  return {
    status: exe.status,
    output: exe.output ?? null,
    error: exe.error ?? null,
    summary: exe.summary,
    tokens_used: exe.tokens_used,
    started_at: exe.started_at,
    finished_at: exe.finished_at,
    duration_ms: exe.duration_ms,
    steps,
    // After the run's first line (its `queued` line, seq 1) and its `queued` event.
    logs: logs.map((l, i) => ({ ...l, i: i + 1 })),
    events: events.map((ev, k) => ({ ...ev, k: k + 1 })),
  };
}

/** Most runs one start_runs statement inserts, and most runs one commit statement writes. */
const START_BATCH = 200;
const COMMIT_BATCH = 100;

/**
 * The engine's SQL. Every change of a claimed run is ONE statement (data-modifying CTEs): the run row,
 * its step rows, log lines, approvals and outbox events commit together, fenced by the claim token so a
 * worker that lost its claim changes nothing.
 */
@Injectable()
export class RunStore {
  constructor(private readonly ds: DataSource) {}

  /** The hot path talks to pg's pool directly: TypeORM's query runner adds a measurable cost per statement. */
  private async q<T>(sql: string, params: unknown[], name?: string): Promise<T[]> {
    const pool = (
      this.ds.driver as unknown as { master: { query(q: { text: string; values: unknown[]; name?: string }): Promise<{ rows: T[] }> } }
    ).master;
    // Named statements are parsed and planned once per connection: these CTEs cost more to plan than to run.
    return (await pool.query({ text: sql, values: params, ...(name ? { name } : {}) })).rows;
  }

  private readonly starts = new Batcher<NewRun, InsertedRun>(
    START_BATCH,
    (run) => run.id,
    (runs) => this.startRuns(runs),
  );

  /**
   * Inserts a new run with its first log line and `queued` event, claimed at once by `claim.worker` when the
   * concurrency limits have room (see the start_runs function); null when the idempotency key was used. The
   * runs that arrive while one batch is in the database go together in the next (one statement, one claim
   * lock), so a lone start goes at once and a busy replica starts many per round trip. Nothing here waits
   * for the disk (see flushWal), except a batch with a run that ran ahead to its end: it is answered as finished.
   */
  insert(run: NewRun): Promise<InsertedRun | null> {
    return this.starts.submit(run);
  }

  private async startRuns(runs: NewRun[]): Promise<Map<string, InsertedRun>> {
    const claim = runs.find((r) => r.claim)?.claim ?? null;
    const payload = runs.map((run, ord) => ({
      ord,
      id: run.id,
      workspace_id: run.workspace_id,
      agent_id: run.agent_id,
      agent_version: run.agent_version,
      trigger_type: run.trigger_type,
      trigger_id: run.trigger_id,
      input: run.input ?? null,
      metadata: run.metadata,
      callback_url: run.callback_url,
      retry_of: run.retry_of,
      idempotency_key: run.idempotency_key,
      max_concurrency: run.max_concurrency,
      workspace_concurrency: run.workspace_concurrency,
      created_at: run.created_at,
      log_level: run.log.level,
      log_message: run.log.message,
      log_data: run.log.data,
      event_id: run.event.id,
      event_subject: run.event.subject,
      event_payload: run.event.payload,
      request_id: run.request_id,
      token: run.claim?.token ?? null,
      claim: run.claim !== null,
      ahead: run.ahead && ranAheadPayload(run.ahead),
      started: run.started && {
        at: run.started.log.at,
        message: run.started.log.message,
        event_id: run.started.event.id,
        event_subject: run.started.event.subject,
        event_payload: run.started.event.payload,
      },
    }));
    const rows: { id: string; claimed: boolean; started_at: Date | null }[] = await this.q(
      `SELECT id, claimed, started_at FROM executions.start_runs($1::jsonb, $2, $3)`,
      [j(payload), claim?.worker ?? null, claim?.ttlMs ?? 0],
      'executions_start_runs',
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, claimed: r.claimed, started_at: r.started_at?.toISOString() ?? null }]));
  }

  private flushing: Promise<void> | null = null;
  private nextFlush: Promise<void> | null = null;

  /**
   * Waits until everything committed so far is on disk: a transaction with an id commits synchronously, which
   * flushes the WAL in order. Callers share flushes: one runs at a time, and a caller that arrives while one
   * runs waits for the next one, which starts after its own commit (so it covers it).
   */
  flushWal(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.q(`SELECT pg_current_xact_id()`, []).then(
        () => void (this.flushing = null),
        (err) => {
          this.flushing = null;
          throw err;
        },
      );
      return this.flushing;
    }
    this.nextFlush ??= this.flushing
      .catch(() => undefined)
      .then(() => {
        this.nextFlush = null;
        return this.flushWal();
      });
    return this.nextFlush;
  }

  async findIdByIdempotencyKey(workspaceId: string, key: string): Promise<string | null> {
    const rows: { id: string }[] = await this.q(`SELECT id FROM executions.executions WHERE workspace_id = $1 AND idempotency_key = $2`, [
      workspaceId,
      key,
    ]);
    return rows[0]?.id ?? null;
  }

  /** Claims due runs under the concurrency limits: see the claim_runs function (its `preferred` runs are no longer used: new runs are claimed by start_runs). */
  async claim(batch: number, worker: string, token: string, ttlMs: number): Promise<ClaimedRun[]> {
    const rows: { id: string; previous_status: string; started_at: Date }[] = await this.q(
      `SELECT id, previous_status, started_at FROM executions.claim_runs($1::text[], $2, $3, $4, $5)`,
      [[], batch, worker, token, ttlMs],
      'executions_claim_runs',
    );
    return rows.map((r) => ({ id: r.id, previous_status: r.previous_status, started_at: r.started_at.toISOString() }));
  }

  /** Runs with their steps, for a worker that resumes them. */
  async load(ids: string[]): Promise<{ exe: ExecutionRecord; steps: StepRecord[] }[]> {
    if (ids.length === 0) return [];
    const [exes, steps]: [Record<string, unknown>[], Record<string, unknown>[]] = await Promise.all([
      this.q<Record<string, unknown>>(`SELECT * FROM executions.executions WHERE id = ANY($1::text[])`, [ids]),
      this.q<Record<string, unknown>>(
        `SELECT * FROM executions.execution_steps WHERE execution_id = ANY($1::text[]) ORDER BY execution_id, position`,
        [ids],
      ),
    ]);
    const byRun = new Map<string, StepRecord[]>();
    for (const s of steps) {
      const list = byRun.get(s.execution_id as string) ?? [];
      list.push(stepFromRow(s));
      byRun.set(s.execution_id as string, list);
    }
    return exes.map((e) => ({ exe: executionFromRow(e), steps: byRun.get(e.id as string) ?? [] }));
  }

  private readonly commits = new Batcher<CommitInput, CommitResult>(
    COMMIT_BATCH,
    (c) => c.id,
    (cs) => this.commitMany(cs),
  );

  /**
   * Commits a claimed run's progress; null when the claim was lost (someone else holds the run now). Like
   * starts, the commits of different runs that arrive while one batch is in the database go together in the
   * next statement (each still fenced by its own claim token); a lone commit goes at once.
   */
  commit(c: CommitInput): Promise<CommitResult | null> {
    return this.commits.submit(c);
  }

  /**
   * One statement of data-modifying CTEs for several runs: their rows (fenced by claim token), step rows, log
   * lines, outbox events (in order), approvals. It waits for the disk when any of them needs it.
   */
  private async commitMany(commits: CommitInput[]): Promise<Map<string, CommitResult>> {
    const runs = commits.map((c) => ({
      id: c.id,
      token: c.token,
      status: c.exe.status,
      output: c.exe.output ?? null,
      error: c.exe.error ?? null,
      summary: c.exe.summary,
      tokens_used: c.exe.tokens_used,
      finished_at: c.exe.finished_at,
      duration_ms: c.exe.duration_ms,
      release: c.exe.release,
      next_run_at: c.exe.next_run_at,
      nlogs: c.logs.length,
      cancel_approvals: c.cancelApprovals,
    }));
    const steps = commits.flatMap((c) => c.steps.map((s) => ({ ...s, execution_id: c.id })));
    const logs = commits.flatMap((c) => c.logs.map((l, i) => ({ ...l, execution_id: c.id, i: i + 1 })));
    let ord = 0;
    const events = commits.flatMap((c) => c.events.map((ev) => ({ ...ev, execution_id: c.id, ord: ord++ })));
    const approvals = commits.flatMap((c) => c.approvals.map((a) => ({ ...a, execution_id: c.id })));
    const durable = commits.some((c) => c.durable);
    const rows: { id: string; seq: number; cancel_requested: boolean }[] = await this.q(
      `WITH r AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, token text, status text, output jsonb, error jsonb, summary text,
           tokens_used int, finished_at timestamptz, duration_ms int, release boolean, next_run_at timestamptz, nlogs int,
           cancel_approvals boolean)
       ), e AS (
         UPDATE executions.executions t SET
           status = r.status, output = r.output, error = r.error, summary = r.summary, tokens_used = r.tokens_used,
           finished_at = r.finished_at, duration_ms = r.duration_ms,
           claimed_by = CASE WHEN r.release THEN NULL ELSE t.claimed_by END,
           claim_token = CASE WHEN r.release THEN NULL ELSE t.claim_token END,
           claim_expires_at = CASE WHEN r.release THEN NULL ELSE t.claim_expires_at END,
           next_run_at = CASE WHEN r.release THEN r.next_run_at ELSE t.next_run_at END,
           seq = t.seq + 1, log_seq = t.log_seq + r.nlogs
         FROM r WHERE t.id = ANY($7::text[]) AND t.id = r.id AND t.claim_token = r.token
         RETURNING t.id, t.seq, t.log_seq, t.cancel_requested, r.nlogs, r.cancel_approvals
       ), s AS (
         INSERT INTO executions.execution_steps AS st
           (execution_id, position, step_id, type, status, output, error, attempts, state, tokens_used, started_at, finished_at, duration_ms)
         SELECT e.id, x.position, x.step_id, x.type, x.status, x.output, x.error, coalesce(x.attempts, '[]'::jsonb), x.state,
                coalesce(x.tokens_used, 0), x.started_at, x.finished_at, x.duration_ms
           FROM e JOIN jsonb_to_recordset($2::jsonb) AS x(execution_id text, position int, step_id text, type text, status text, output jsonb,
                error jsonb, attempts jsonb, state jsonb, tokens_used int, started_at timestamptz, finished_at timestamptz, duration_ms int)
             ON x.execution_id = e.id
         ON CONFLICT (execution_id, position) DO UPDATE SET
           status = excluded.status, output = excluded.output, error = excluded.error, attempts = excluded.attempts,
           state = excluded.state, tokens_used = excluded.tokens_used, started_at = excluded.started_at,
           finished_at = excluded.finished_at, duration_ms = excluded.duration_ms
       ), l AS (
         INSERT INTO executions.execution_logs (execution_id, seq, at, level, step_id, message, data)
         SELECT e.id, e.log_seq - e.nlogs + x.i, x.at, x.level, x.step_id, x.message, x.data
           FROM e JOIN jsonb_to_recordset($3::jsonb) AS x(execution_id text, i int, at timestamptz, level text, step_id text, message text,
                data jsonb) ON x.execution_id = e.id
       ), o AS (
         INSERT INTO executions.outbox (id, subject, payload)
         SELECT x.id, x.subject, x.payload
           FROM e JOIN jsonb_to_recordset($4::jsonb) AS x(execution_id text, ord int, id text, subject text, payload jsonb)
             ON x.execution_id = e.id
          ORDER BY x.ord
       ), a AS (
         INSERT INTO executions.approvals (id, workspace_id, execution_id, agent_id, step_id, position, message, status, approvals_required, expires_at)
         SELECT x.id, x.workspace_id, e.id, x.agent_id, x.step_id, x.position, x.message, 'pending', x.approvals_required, x.expires_at
           FROM e JOIN jsonb_to_recordset($5::jsonb) AS x(execution_id text, id text, workspace_id text, agent_id text, step_id text,
                position int, message text, approvals_required int, expires_at timestamptz) ON x.execution_id = e.id
       ), ca AS (
         UPDATE executions.approvals ap SET status = 'cancelled', decided_at = now()
           FROM e WHERE e.cancel_approvals AND ap.execution_id = ANY($7::text[]) AND ap.execution_id = e.id AND ap.status = 'pending'
       ), sync AS (
         SELECT CASE WHEN $6 THEN NULL ELSE set_config('synchronous_commit', 'off', true) END AS setting
       )
       SELECT e.id, e.seq, e.cancel_requested FROM e, sync`,
      // $7: the ids again, so even a cached generic plan reaches the runs (and their approvals) through an index
      // (a join with the JSON rows alone may be planned as a sequential scan while the tables are small).
      [j(runs), j(steps), j(logs), j(events), j(approvals), durable, commits.map((c) => c.id)],
      'executions_commit_runs',
    );
    return new Map(rows.map((r) => [r.id, { seq: r.seq, cancelRequested: r.cancel_requested }]));
  }

  /** One log line of a step in flight, numbered after the run's last; null when the claim was lost. */
  async appendLog(id: string, token: string, line: LogLine): Promise<boolean> {
    const rows: { seq: number }[] = await this.q(
      `WITH e AS (UPDATE executions.executions SET log_seq = log_seq + 1 WHERE id = $1 AND claim_token = $2 RETURNING id, log_seq)
       INSERT INTO executions.execution_logs (execution_id, seq, at, level, step_id, message, data)
       SELECT e.id, e.log_seq, $3, $4, $5, $6, $7::jsonb FROM e
       RETURNING seq`,
      [id, token, line.at, line.level, line.step_id, line.message, line.data === null ? null : j(line.data)],
    );
    return rows.length > 0;
  }

  /** Extends this worker's claims (a heartbeat); returns the runs still held. */
  async heartbeat(ids: string[], worker: string, ttlMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    // A top-level SELECT: TypeORM returns [rows, count] for a bare UPDATE … RETURNING.
    const rows: { id: string }[] = await this.q(
      `WITH held AS (
         UPDATE executions.executions
            SET claim_expires_at = now() + make_interval(secs => $3::int / 1000.0), next_run_at = now() + make_interval(secs => $3::int / 1000.0)
          WHERE id = ANY($1::text[]) AND claimed_by = $2
         RETURNING id
       )
       SELECT id FROM held`,
      [ids, worker, ttlMs],
    );
    return rows.map((r) => r.id);
  }

  /** Keeps the release queue small (see SlotReleasesAppendOnly); skipped when another replica is at it. */
  async vacuumSlotReleases(): Promise<void> {
    await this.q(`VACUUM (SKIP_LOCKED) executions.run_slot_releases`, []);
  }

  /** Hands runs back at once (shutdown): another worker claims them now. */
  async release(ids: string[], worker: string): Promise<void> {
    if (ids.length === 0) return;
    await this.q(
      `UPDATE executions.executions SET claimed_by = NULL, claim_token = NULL, claim_expires_at = NULL, next_run_at = now()
        WHERE id = ANY($1::text[]) AND claimed_by = $2`,
      [ids, worker],
    );
  }
}
