import { RpcContext, RunScheduleMessage, ScheduleFireView, SchedulesEvents } from '@agentry/contracts';
import { newId, Outbox } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SchedulesConfig } from '../../config/schedules.config';
import { firedData, insertOutbox } from '../../firing/fire-due-schedules';
import { RunStarter } from '../../firing/run-starter';
import { Clock } from '../../timing/clock';
import { NewFire, ScheduleFiresRepository } from '../schedule-fires.repository';
import { toFireView } from '../schedule-views';
import { SchedulesError } from '../schedules.errors';
import { SchedulesRepository } from '../schedules.repository';

/**
 * Run now: a `manual` fire, committed with its event like any other, whose run is started before
 * answering. The overlap policy does not apply (someone asked for this run) and neither does pause.
 * A run the executions service refuses (agent paused or gone, input invalid) is answered with its
 * error; one it cannot take yet stays pending and is retried.
 */
@Injectable()
export class RunScheduleNowUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly schedules: SchedulesRepository,
    private readonly fires: ScheduleFiresRepository,
    private readonly outbox: Outbox,
    private readonly starter: RunStarter,
    private readonly clock: Clock,
    @Inject(SchedulesConfig) private readonly config: SchedulesConfig,
  ) {}

  async execute(ctx: RpcContext, msg: RunScheduleMessage): Promise<ScheduleFireView> {
    const now = this.clock.now();
    const fire = await this.ds.transaction(async (m) => {
      const s = await this.schedules.find(ctx.workspace_id, msg.schedule, m, true);
      if (!s) throw SchedulesError.notFound(msg.schedule);
      const fire: NewFire = {
        id: newId('sfr'),
        scheduleId: s.id,
        workspaceId: s.workspaceId,
        agentId: s.agentId,
        dueAt: now,
        trigger: 'manual',
        input: msg.input ?? s.input,
        attempts: 0,
        plan: ctx.plan ?? s.plan,
        state: 'pending',
        nextAttemptAt: new Date(now.getTime() + this.config.SCHEDULES_START_LEASE_MS),
      };
      await this.fires.insertMany(m, [fire]);
      await this.schedules.advance(m, [{ id: s.id, nextRunAt: s.nextRunAt, lastFireId: fire.id, lastRunAt: now, runs: 1 }]);
      await insertOutbox(m, [this.outbox.envelope(SchedulesEvents.fired, s.workspaceId, firedData(fire))]);
      return fire;
    });
    this.outbox.flush();
    const outcome = await this.starter.startNow(fire);
    if (outcome.kind === 'failed') throw outcome.error;
    const stored = await this.fires.find(ctx.workspace_id, fire.id);
    if (!stored) throw SchedulesError.notFound(msg.schedule); // deleted meanwhile
    return toFireView(stored);
  }
}
