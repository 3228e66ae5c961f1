import { BackfillResultView, BackfillScheduleMessage, RpcContext, SchedulesEvents } from '@agentry/contracts';
import { newId, Outbox } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SchedulesConfig } from '../../config/schedules.config';
import { firedData, insertOutbox } from '../../firing/fire-due-schedules';
import { SchedulerLoop } from '../../firing/scheduler-loop';
import { backfillHorizon } from '../../housekeeping/fire-retention';
import { Clock } from '../../timing/clock';
import { atOrAfter } from '../../timing/fire-plan';
import { cachedRuleOf } from '../../timing/rule-cache';
import { NewFire, ScheduleFiresRepository } from '../schedule-fires.repository';
import { ScheduleEntity } from '../schedule.entity';
import { SchedulesError } from '../schedules.errors';
import { SchedulesRepository } from '../schedules.repository';

/**
 * Starts the runs that would have fired in a past window [from, to]. Idempotent per due time: a due
 * time that already has a fire (it ran, or an earlier backfill covered it) is not run again. Bounded
 * by SCHEDULES_BACKFILL_MAX_FIRES and, since fires are pruned, by SCHEDULES_FIRE_RETENTION_DAYS; the
 * overlap policy does not apply (every due time runs).
 */
@Injectable()
export class BackfillScheduleUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly schedules: SchedulesRepository,
    private readonly fires: ScheduleFiresRepository,
    private readonly outbox: Outbox,
    private readonly loop: SchedulerLoop,
    private readonly clock: Clock,
    @Inject(SchedulesConfig) private readonly config: SchedulesConfig,
  ) {}

  async execute(ctx: RpcContext, msg: BackfillScheduleMessage): Promise<BackfillResultView> {
    const now = this.clock.now();
    const from = new Date(msg.from);
    const to = new Date(msg.to);
    if (Number.isNaN(from.getTime())) throw SchedulesError.invalid('from', 'is not a valid date-time');
    if (Number.isNaN(to.getTime())) throw SchedulesError.invalid('to', 'is not a valid date-time');
    if (from.getTime() > to.getTime()) throw SchedulesError.invalid('from', 'must not be after to');
    if (to.getTime() > now.getTime()) throw SchedulesError.invalid('to', 'must not be in the future');
    const result = await this.ds.transaction(async (m) => {
      const s = await this.schedules.find(ctx.workspace_id, msg.schedule, m, true);
      if (!s) throw SchedulesError.notFound(msg.schedule);
      this.checkRetained(from, now);
      const fires = this.dueTimes(s, from, to).map((dueAt): NewFire => ({
        id: newId('sfr'),
        scheduleId: s.id,
        workspaceId: s.workspaceId,
        agentId: s.agentId,
        dueAt,
        trigger: 'backfill',
        input: s.input,
        attempts: 0,
        plan: s.plan,
        state: 'pending',
        nextAttemptAt: now,
      }));
      const inserted = await this.fires.insertMany(m, fires);
      const created = fires.filter((f) => inserted.has(f.id));
      await this.schedules.advance(m, [{ id: s.id, nextRunAt: s.nextRunAt, lastFireId: null, lastRunAt: null, runs: created.length }]);
      await insertOutbox(
        m,
        created.map((f) => this.outbox.envelope(SchedulesEvents.fired, s.workspaceId, firedData(f))),
      );
      return { schedule: s, fires, created };
    });
    if (result.created.length > 0) {
      this.outbox.flush();
      this.loop.wakeScan();
    }
    return {
      schedule_id: result.schedule.id,
      created: result.created.length,
      existing: result.fires.length - result.created.length,
      data: result.created.map((f) => ({
        id: f.id,
        schedule_id: f.scheduleId,
        agent_id: f.agentId,
        due_at: f.dueAt.toISOString(),
        trigger: f.trigger,
        state: f.state,
        execution_id: null,
        execution_status: null,
        attempts: 0,
        error: null,
        created_at: now.toISOString(),
        started_at: null,
      })),
    };
  }

  /** Fires older than the retention are pruned: whether such a due time ran is unknown, so it is not backfilled. */
  private checkRetained(from: Date, now: Date): void {
    const horizon = backfillHorizon(this.config, now);
    if (from.getTime() >= horizon.getTime()) return;
    const days = this.config.SCHEDULES_FIRE_RETENTION_DAYS;
    throw SchedulesError.invalid(
      'from',
      `must be after ${horizon.toISOString()}: fires are kept ${days} days, so whether an older due time ran is unknown`,
    );
  }

  private dueTimes(s: ScheduleEntity, from: Date, to: Date): Date[] {
    const rule = cachedRuleOf(s);
    const max = this.config.SCHEDULES_BACKFILL_MAX_FIRES;
    const times: Date[] = [];
    for (let d = atOrAfter(rule, from); d && d.getTime() <= to.getTime(); d = rule.nextAfter(d)) {
      if (times.length === max) throw SchedulesError.invalid('to', `the window holds more than ${max} fire times; backfill a shorter one`);
      times.push(d);
    }
    return times;
  }
}
