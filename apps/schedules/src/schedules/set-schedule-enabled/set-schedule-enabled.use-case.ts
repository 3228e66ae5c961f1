import { RpcContext, ScheduleView } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SchedulerLoop } from '../../firing/scheduler-loop';
import { Clock } from '../../timing/clock';
import { firstDueAfter, specOf } from '../../timing/first-due';
import { SchedulesError } from '../schedules.errors';
import { SchedulesRepository } from '../schedules.repository';
import { toScheduleView } from '../schedule-views';

/**
 * Pause (with an optional note shown on the schedule) or resume. Resuming does not catch up what was
 * due while paused: the next due time is the first after now. Pausing a paused schedule only
 * replaces its note; resuming an enabled one changes nothing.
 */
@Injectable()
export class SetScheduleEnabledUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: SchedulesRepository,
    private readonly loop: SchedulerLoop,
    private readonly clock: Clock,
  ) {}

  async execute(ctx: RpcContext, id: string, enabled: boolean, note?: string): Promise<ScheduleView> {
    let resumed = false;
    const schedule = await this.ds.transaction(async (m) => {
      const s = await this.repo.find(ctx.workspace_id, id, m, true);
      if (!s) throw SchedulesError.notFound(id);
      const now = this.clock.now();
      if (enabled && s.enabled) return s;
      if (!enabled && !s.enabled && (note === undefined || note === s.pausedNote)) return s;
      if (enabled) {
        Object.assign(s, { enabled: true, pausedAt: null, pausedNote: null, nextRunAt: firstDueAfter(specOf(s), now) });
        resumed = true;
      } else {
        Object.assign(s, { enabled: false, pausedAt: s.pausedAt ?? now, pausedNote: note ?? null });
      }
      s.updatedAt = now;
      await this.repo.update(m, s);
      return s;
    });
    if (resumed) this.loop.wakeClaim(schedule.nextRunAt);
    return toScheduleView(schedule);
  }
}
