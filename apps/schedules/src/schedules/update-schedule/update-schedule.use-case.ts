import { RpcContext, ScheduleView, UpdateScheduleRequest } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SchedulerLoop } from '../../firing/scheduler-loop';
import { Clock } from '../../timing/clock';
import { SchedulesError } from '../schedules.errors';
import { SchedulesRepository } from '../schedules.repository';
import { toScheduleView } from '../schedule-views';
import { applySchedulePatch, nullFieldsIn } from './schedule-patch';

/** PATCH a schedule. A request that changes nothing writes nothing. */
@Injectable()
export class UpdateScheduleUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: SchedulesRepository,
    private readonly loop: SchedulerLoop,
    private readonly clock: Clock,
  ) {}

  async execute(ctx: RpcContext, id: string, patch: UpdateScheduleRequest): Promise<ScheduleView> {
    const nulls = nullFieldsIn(patch);
    if (nulls.length > 0) throw SchedulesError.notNullable(nulls);
    let rescheduled = false;
    const schedule = await this.ds.transaction(async (m) => {
      const s = await this.repo.find(ctx.workspace_id, id, m, true);
      if (!s) throw SchedulesError.notFound(id);
      const outcome = applySchedulePatch(s, patch, this.clock.now());
      // keep the plan current, so the runs it starts count against the workspace's plan of today
      const planChanged = ctx.plan !== undefined && ctx.plan !== s.plan;
      if (planChanged) s.plan = ctx.plan!;
      if (outcome.changed || planChanged) await this.repo.update(m, s);
      rescheduled = outcome.rescheduled;
      return s;
    });
    if (rescheduled) this.loop.wakeClaim(schedule.nextRunAt);
    return toScheduleView(schedule);
  }
}
