import { RpcContext, ScheduleView } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { SchedulesError } from '../schedules.errors';
import { SchedulesRepository } from '../schedules.repository';
import { toScheduleView } from '../schedule-views';

@Injectable()
export class GetScheduleUseCase {
  constructor(private readonly repo: SchedulesRepository) {}

  async execute(ctx: RpcContext, id: string): Promise<ScheduleView> {
    const schedule = await this.repo.find(ctx.workspace_id, id);
    if (!schedule) throw SchedulesError.notFound(id);
    return toScheduleView(schedule);
  }
}
