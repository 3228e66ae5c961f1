import { decodeCursor } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ScheduleEntity } from './schedule.entity';

export interface ScheduleFilter {
  agentId?: string;
  enabled?: boolean;
  cursor?: string;
  limit: number;
}

/** What a claim round reads of a due schedule. */
export type DueSchedule = Pick<
  ScheduleEntity,
  | 'id'
  | 'workspaceId'
  | 'agentId'
  | 'plan'
  | 'cron'
  | 'intervalSeconds'
  | 'timezone'
  | 'input'
  | 'overlapPolicy'
  | 'catchup'
  | 'catchupWindowSeconds'
  | 'nextRunAt'
>;

interface DueRow {
  id: string;
  workspace_id: string;
  agent_id: string;
  plan: string | null;
  cron: string | null;
  interval_seconds: number | null;
  timezone: string;
  input: Record<string, unknown>;
  overlap_policy: DueSchedule['overlapPolicy'];
  catchup: DueSchedule['catchup'];
  catchup_window_seconds: number;
  next_run_at: Date;
}

/** What one claim round changes on a schedule that fired. */
export interface ScheduleAdvance {
  id: string;
  nextRunAt: Date | null;
  /** The newest fire that starts a run now (pending), if any: it becomes the schedule's "last". */
  lastFireId: string | null;
  lastRunAt: Date | null;
  /** Fires counted in total_runs (pending and buffered). */
  runs: number;
}

/** The only code that reads or writes schedules.schedules. API queries are scoped to a workspace. */
@Injectable()
export class SchedulesRepository {
  constructor(@InjectRepository(ScheduleEntity) private readonly schedules: Repository<ScheduleEntity>) {}

  /** With `lock`, the row stays locked until the caller's transaction ends. */
  find(workspaceId: string, id: string, manager?: EntityManager, lock = false): Promise<ScheduleEntity | null> {
    const repo = manager ? manager.getRepository(ScheduleEntity) : this.schedules;
    return repo.findOne({ where: { workspaceId, id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  list(workspaceId: string, f: ScheduleFilter): Promise<ScheduleEntity[]> {
    const qb = this.schedules.createQueryBuilder('s').where('s.workspace_id = :workspaceId', { workspaceId });
    if (f.agentId) qb.andWhere('s.agent_id = :agentId', { agentId: f.agentId });
    if (f.enabled !== undefined) qb.andWhere('s.enabled = :enabled', { enabled: f.enabled });
    const after = decodeCursor<{ id: string }>(f.cursor, ['id']);
    if (after) qb.andWhere('s.id < :after', { after: after.id });
    return qb
      .orderBy('s.id', 'DESC')
      .limit(f.limit + 1)
      .getMany();
  }

  async insert(m: EntityManager, s: ScheduleEntity): Promise<void> {
    // jsonb input holds a plain object, which TypeORM's deep-partial insert type cannot express.
    await m.insert(ScheduleEntity, s as never);
  }

  /** Writes every mutable column. */
  async update(m: EntityManager, s: ScheduleEntity): Promise<void> {
    const { id, workspaceId, createdAt: _createdAt, ...columns } = s;
    await m.update(ScheduleEntity, { id, workspaceId }, columns as never);
  }

  async delete(m: EntityManager, s: ScheduleEntity): Promise<void> {
    await m.delete(ScheduleEntity, { id: s.id, workspaceId: s.workspaceId });
  }

  /**
   * Due, enabled schedules of active agents, oldest due first, locked for this transaction. SKIP LOCKED:
   * replicas claim disjoint sets and never wait for each other. Raw SQL: this is the hot path.
   */
  async claimDue(m: EntityManager, now: Date, limit: number): Promise<DueSchedule[]> {
    const rows: DueRow[] = await m.query(
      `SELECT id, workspace_id, agent_id, plan, cron, interval_seconds, timezone, input, overlap_policy, catchup,
              catchup_window_seconds, next_run_at
         FROM schedules.schedules
        WHERE enabled AND NOT agent_paused AND next_run_at <= $1
        ORDER BY next_run_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      workspaceId: r.workspace_id,
      agentId: r.agent_id,
      plan: r.plan,
      cron: r.cron,
      intervalSeconds: r.interval_seconds,
      timezone: r.timezone,
      input: r.input,
      overlapPolicy: r.overlap_policy,
      catchup: r.catchup,
      catchupWindowSeconds: r.catchup_window_seconds,
      nextRunAt: r.next_run_at,
    }));
  }

  /** Moves fired schedules on, in one statement. */
  async advance(m: EntityManager, rows: ScheduleAdvance[]): Promise<void> {
    if (rows.length === 0) return;
    await m.query(
      `UPDATE schedules.schedules s
          SET next_run_at = v.next_run_at,
              last_fire_id = COALESCE(v.last_fire_id, s.last_fire_id),
              last_run_at = COALESCE(v.last_run_at, s.last_run_at),
              last_status = CASE WHEN v.last_fire_id IS NULL THEN s.last_status ELSE 'pending' END,
              last_execution_id = CASE WHEN v.last_fire_id IS NULL THEN s.last_execution_id ELSE NULL END,
              total_runs = s.total_runs + v.runs
         FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::timestamptz[], $5::int[])
              AS v(id, next_run_at, last_fire_id, last_run_at, runs)
        WHERE s.id = v.id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.nextRunAt),
        rows.map((r) => r.lastFireId),
        rows.map((r) => r.lastRunAt),
        rows.map((r) => r.runs),
      ],
    );
  }

  /** Pushes a schedule whose rule cannot be evaluated out of the claim for a while. */
  async postpone(m: EntityManager, id: string, until: Date): Promise<void> {
    await m.query(`UPDATE schedules.schedules SET next_run_at = $2 WHERE id = $1`, [id, until]);
  }

  /** The earliest due time of any schedule that can fire: how long the loop may sleep. */
  async earliestDue(): Promise<Date | null> {
    const [row]: { at: Date | null }[] = await this.schedules.query(
      `SELECT min(next_run_at) AS at FROM schedules.schedules WHERE enabled AND NOT agent_paused`,
    );
    return row?.at ?? null;
  }

  /** Locks the schedules (in id order, so two transactions never deadlock on them). */
  async lockMany(m: EntityManager, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: { id: string }[] = await m.query(`SELECT id FROM schedules.schedules WHERE id = ANY($1) ORDER BY id FOR UPDATE`, [ids]);
    return rows.map((r) => r.id);
  }

  /** An agent's schedules, locked. */
  byAgent(m: EntityManager, workspaceId: string, agentId: string): Promise<ScheduleEntity[]> {
    return m
      .getRepository(ScheduleEntity)
      .createQueryBuilder('s')
      .where('s.workspace_id = :workspaceId AND s.agent_id = :agentId', { workspaceId, agentId })
      .orderBy('s.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  async deleteByAgent(m: EntityManager, workspaceId: string, agentId: string): Promise<number> {
    const res = await m.delete(ScheduleEntity, { workspaceId, agentId });
    return res.affected ?? 0;
  }

  async setAgentState(m: EntityManager, id: string, paused: boolean, at: Date, nextRunAt: Date | null): Promise<void> {
    await m.query(`UPDATE schedules.schedules SET agent_paused = $2, agent_status_at = $3, next_run_at = $4 WHERE id = $1`, [
      id,
      paused,
      at,
      nextRunAt,
    ]);
  }

  async setLastStatus(m: EntityManager, scheduleId: string, executionId: string, status: string): Promise<void> {
    await m.query(`UPDATE schedules.schedules SET last_status = $3 WHERE id = $1 AND last_execution_id = $2`, [
      scheduleId,
      executionId,
      status,
    ]);
  }
}
