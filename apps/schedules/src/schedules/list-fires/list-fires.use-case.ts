import { ListScheduleFiresMessage, Page, RpcContext, ScheduleFireView } from '@agentry/contracts';
import { pageLimit, toPage } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { ScheduleFiresRepository } from '../schedule-fires.repository';
import { toFireView } from '../schedule-views';
import { SchedulesError } from '../schedules.errors';
import { SchedulesRepository } from '../schedules.repository';

/** A schedule's fires, newest due time first: each due time and what became of it. */
@Injectable()
export class ListFiresUseCase {
  constructor(
    private readonly schedules: SchedulesRepository,
    private readonly fires: ScheduleFiresRepository,
  ) {}

  async execute(ctx: RpcContext, query: ListScheduleFiresMessage): Promise<Page<ScheduleFireView>> {
    const schedule = await this.schedules.find(ctx.workspace_id, query.schedule);
    if (!schedule) throw SchedulesError.notFound(query.schedule);
    const limit = pageLimit(query.limit);
    const rows = await this.fires.list(schedule.id, { state: query.state, cursor: query.cursor, limit });
    return toPage(rows, limit, toFireView, (f) => ({ due_at: f.dueAt.toISOString(), id: f.id }));
  }
}
