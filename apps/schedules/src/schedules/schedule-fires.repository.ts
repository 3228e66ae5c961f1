import { ExecutionStatus, FireState, FireTrigger, TERMINAL_STATUSES } from '@agentry/contracts';
import { decodeCursor } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { OverlapState } from '../timing/fire-plan';
import { returning } from './returning';
import { ScheduleFireEntity } from './schedule-fire.entity';

/** A fire whose run is to be started: what `executions.start` needs. */
export interface FireToStart {
  id: string;
  scheduleId: string;
  workspaceId: string;
  agentId: string;
  dueAt: Date;
  trigger: FireTrigger;
  input: Record<string, unknown>;
  attempts: number;
  /** The workspace's plan, for its runs-per-day limit. */
  plan: string | null;
}

export interface NewFire extends FireToStart {
  state: Extract<FireState, 'pending' | 'buffered' | 'skipped'>;
  /** For a pending fire: until when the inserting replica owns starting it. */
  nextAttemptAt: Date | null;
}

export interface StartedOutcome {
  id: string;
  executionId: string;
  status: ExecutionStatus;
}

export interface FailedOutcome {
  id: string;
  error: { code: string; message: string };
  /** Retryable: the next attempt; permanent: undefined. */
  retryAt?: Date;
}

const TERMINAL = TERMINAL_STATUSES as readonly string[];
const TERMINAL_SQL = `(${TERMINAL.map((s) => `'${s}'`).join(', ')})`;

type FireRow = {
  id: string;
  schedule_id: string;
  workspace_id: string;
  agent_id: string;
  due_at: Date;
  trigger: FireTrigger;
  input: Record<string, unknown>;
  attempts: number;
  plan: string | null;
};

const toStart = (r: FireRow): FireToStart => ({
  id: r.id,
  scheduleId: r.schedule_id,
  workspaceId: r.workspace_id,
  agentId: r.agent_id,
  dueAt: r.due_at,
  trigger: r.trigger,
  input: r.input ?? {},
  attempts: r.attempts,
  plan: r.plan,
});

/** With FireHousekeepingRepository (pruning, reconcile picks), the only code that reads or writes schedules.schedule_runs (the fires). */
@Injectable()
export class ScheduleFiresRepository {
  constructor(@InjectRepository(ScheduleFireEntity) private readonly fires: Repository<ScheduleFireEntity>) {}

  find(workspaceId: string, id: string): Promise<ScheduleFireEntity | null> {
    return this.fires.findOne({ where: { workspaceId, id } });
  }

  /** Newest due time first; keyset on (due_at, id). */
  list(scheduleId: string, f: { state?: FireState; cursor?: string; limit: number }): Promise<ScheduleFireEntity[]> {
    const qb = this.fires.createQueryBuilder('f').where('f.schedule_id = :scheduleId', { scheduleId });
    if (f.state) qb.andWhere('f.state = :state', { state: f.state });
    const after = decodeCursor<{ due_at: string; id: string }>(f.cursor, ['due_at', 'id']);
    if (after) qb.andWhere('(f.due_at, f.id) < (:dueAt, :id)', { dueAt: new Date(after.due_at), id: after.id });
    return qb
      .orderBy('f.due_at', 'DESC')
      .addOrderBy('f.id', 'DESC')
      .limit(f.limit + 1)
      .getMany();
  }

  /** Per schedule: is a run under way (pending or started and not ended), and does a buffered fire wait. */
  async openState(m: EntityManager, scheduleIds: string[]): Promise<Map<string, OverlapState>> {
    if (scheduleIds.length === 0) return new Map();
    const rows: { schedule_id: string; running: boolean; buffered: boolean }[] = await m.query(
      `SELECT schedule_id, bool_or(state <> 'buffered') AS running, bool_or(state = 'buffered') AS buffered
         FROM schedules.schedule_runs WHERE active AND schedule_id = ANY($1) GROUP BY schedule_id`,
      [scheduleIds],
    );
    return new Map(rows.map((r) => [r.schedule_id, { running: r.running, buffered: r.buffered }]));
  }

  /**
   * Inserts fires in one statement; a due time that already has a fire (a backfill got there first)
   * is left alone. Returns the ids actually inserted.
   */
  async insertMany(m: EntityManager, fires: NewFire[]): Promise<Set<string>> {
    if (fires.length === 0) return new Set();
    const rows: { id: string }[] = await m.query(
      `INSERT INTO schedules.schedule_runs (id, schedule_id, workspace_id, agent_id, due_at, trigger, state, active, input, next_attempt_at)
       SELECT v.id, v.schedule_id, v.workspace_id, v.agent_id, v.due_at, v.trigger, v.state, v.state <> 'skipped', v.input, v.next_attempt_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::jsonb[], $9::timestamptz[])
              AS v(id, schedule_id, workspace_id, agent_id, due_at, trigger, state, input, next_attempt_at)
       ON CONFLICT (schedule_id, due_at, (trigger = 'manual')) DO NOTHING
       RETURNING id`,
      [
        fires.map((f) => f.id),
        fires.map((f) => f.scheduleId),
        fires.map((f) => f.workspaceId),
        fires.map((f) => f.agentId),
        fires.map((f) => f.dueAt),
        fires.map((f) => f.trigger),
        fires.map((f) => f.state),
        fires.map((f) => JSON.stringify(f.input ?? {})),
        fires.map((f) => f.nextAttemptAt),
      ],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Pending fires whose attempt is due (a retry, or another replica's lease ran out), leased to this
   * replica until `leaseUntil`. SKIP LOCKED: replicas take disjoint sets.
   */
  async claimPending(now: Date, leaseUntil: Date, limit: number): Promise<FireToStart[]> {
    const rows = await returning<FireRow>(
      this.fires.manager,
      `UPDATE schedules.schedule_runs f SET next_attempt_at = $2
        WHERE f.id IN (SELECT id FROM schedules.schedule_runs
                        WHERE state = 'pending' AND next_attempt_at <= $1
                        ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING f.id, f.schedule_id, f.workspace_id, f.agent_id, f.due_at, f.trigger, f.input, f.attempts,
                  (SELECT s.plan FROM schedules.schedules s WHERE s.id = f.schedule_id) AS plan`,
      [now, leaseUntil, limit],
    );
    return rows.map(toStart);
  }

  /** Hands fires back: any replica may start them at once. */
  async release(ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.fires.query(`UPDATE schedules.schedule_runs SET next_attempt_at = $2 WHERE id = ANY($1) AND state = 'pending'`, [ids, now]);
  }

  /** Records started runs; a schedule whose last fire this is shows the execution. */
  async recordStarted(m: EntityManager, started: StartedOutcome[], now: Date): Promise<void> {
    if (started.length === 0) return;
    await m.query(
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, execution_id, status)),
            f AS (UPDATE schedules.schedule_runs f
                     SET state = 'started', execution_id = v.execution_id, execution_status = v.status,
                         active = v.status NOT IN ${TERMINAL_SQL}, attempts = f.attempts + 1,
                         started_at = $4, next_attempt_at = NULL, error = NULL
                    FROM v WHERE f.id = v.id AND f.state = 'pending'
                  RETURNING f.id, f.schedule_id, f.execution_id, f.execution_status)
       UPDATE schedules.schedules s SET last_execution_id = f.execution_id, last_status = f.execution_status
         FROM f WHERE s.id = f.schedule_id AND s.last_fire_id = f.id`,
      [started.map((s) => s.id), started.map((s) => s.executionId), started.map((s) => s.status), now],
    );
  }

  /** Records attempts that will be retried. */
  async recordRetry(m: EntityManager, failed: FailedOutcome[]): Promise<void> {
    if (failed.length === 0) return;
    await m.query(
      `UPDATE schedules.schedule_runs f SET attempts = f.attempts + 1, next_attempt_at = v.retry_at, error = v.error
         FROM unnest($1::text[], $2::timestamptz[], $3::jsonb[]) AS v(id, retry_at, error)
        WHERE f.id = v.id AND f.state = 'pending'`,
      [failed.map((f) => f.id), failed.map((f) => f.retryAt), failed.map((f) => JSON.stringify(f.error))],
    );
  }

  /** Records runs that cannot be started (the agent is gone, the input is refused…). Returns their schedules. */
  async recordFailed(m: EntityManager, failed: FailedOutcome[]): Promise<string[]> {
    if (failed.length === 0) return [];
    const rows: { schedule_id: string }[] = await m.query(
      `WITH f AS (UPDATE schedules.schedule_runs f
                     SET state = 'failed', active = false, attempts = f.attempts + 1, next_attempt_at = NULL, error = v.error
                    FROM unnest($1::text[], $2::jsonb[]) AS v(id, error)
                   WHERE f.id = v.id AND f.state = 'pending'
                  RETURNING f.id, f.schedule_id),
            s AS (UPDATE schedules.schedules s SET last_status = 'start_failed' FROM f WHERE s.id = f.schedule_id AND s.last_fire_id = f.id)
       SELECT DISTINCT schedule_id FROM f`,
      [failed.map((f) => f.id), failed.map((f) => JSON.stringify(f.error))],
    );
    return rows.map((r) => r.schedule_id);
  }

  /** Whether a fire of the schedule started this execution (a rare path: it reads the schedule's fires). */
  async knowsExecution(m: EntityManager, scheduleId: string, executionId: string): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM schedules.schedule_runs WHERE schedule_id = $1 AND execution_id = $2 LIMIT 1`, [
      scheduleId,
      executionId,
    ]);
    return rows.length > 0;
  }

  async hasPending(m: EntityManager, scheduleId: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM schedules.schedule_runs WHERE schedule_id = $1 AND active AND state = 'pending' LIMIT 1`,
      [scheduleId],
    );
    return rows.length > 0;
  }

  /**
   * Applies an execution event to its fire. A terminal status is final; between the others the event
   * that happened later wins (events of different subjects may arrive in any order).
   */
  async applyExecutionStatus(
    m: EntityManager,
    scheduleId: string,
    executionId: string,
    status: ExecutionStatus,
    at: Date,
  ): Promise<boolean> {
    // a run that has not ended belongs to an active fire: found through the schedule's active fires
    const rows = await returning(
      m,
      `UPDATE schedules.schedule_runs
          SET execution_status = $3, execution_status_at = $4, active = $3 NOT IN ${TERMINAL_SQL}
        WHERE schedule_id = $1 AND active AND execution_id = $2 AND state = 'started'
          AND ($3 IN ${TERMINAL_SQL} OR execution_status_at IS NULL OR execution_status_at <= $4)
        RETURNING id`,
      [scheduleId, executionId, status, at],
    );
    return rows.length > 0;
  }

  /**
   * For each schedule with a buffered fire and no run under way: the buffered fire becomes pending
   * (due to start now) and the schedule's last fire. Callers hold the schedules' row locks.
   */
  async promoteBuffered(m: EntityManager, scheduleIds: string[], now: Date): Promise<number> {
    if (scheduleIds.length === 0) return 0;
    const rows = await returning(
      m,
      `WITH c AS (SELECT DISTINCT ON (f.schedule_id) f.id, f.schedule_id FROM schedules.schedule_runs f
                   WHERE f.schedule_id = ANY($1) AND f.state = 'buffered'
                     AND NOT EXISTS (SELECT 1 FROM schedules.schedule_runs a
                                      WHERE a.schedule_id = f.schedule_id AND a.active AND a.state <> 'buffered')
                   ORDER BY f.schedule_id, f.due_at),
            p AS (UPDATE schedules.schedule_runs f SET state = 'pending', next_attempt_at = $2 FROM c WHERE f.id = c.id
                  RETURNING f.id, f.schedule_id)
       UPDATE schedules.schedules s SET last_fire_id = p.id, last_run_at = $2, last_status = 'pending', last_execution_id = NULL
         FROM p WHERE s.id = p.schedule_id
       RETURNING p.id`,
      [scheduleIds, now],
    );
    return rows.length;
  }

  /** Whether some fire of the schedule still waits for (or runs) its run. */
  isTerminal(status: string): boolean {
    return TERMINAL.includes(status);
  }
}
