import { ListSchedulesQuery, Page, RpcContext, ScheduleView } from '@agentry/contracts';
import { pageLimit, toPage } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { SchedulesRepository } from '../schedules.repository';
import { toScheduleView } from '../schedule-views';

/** Newest first, optionally one agent's or only enabled/paused ones. */
@Injectable()
export class ListSchedulesUseCase {
  constructor(private readonly repo: SchedulesRepository) {}

  async execute(ctx: RpcContext, query: ListSchedulesQuery): Promise<Page<ScheduleView>> {
    const limit = pageLimit(query.limit);
    const rows = await this.repo.list(ctx.workspace_id, { agentId: query.agent_id, enabled: query.enabled, cursor: query.cursor, limit });
    return toPage(rows, limit, toScheduleView, (s) => ({ id: s.id }));
  }
}
