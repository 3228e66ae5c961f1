import { RpcContext } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SchedulesError } from '../schedules.errors';
import { SchedulesRepository } from '../schedules.repository';

/** Hard delete; its fires go with it. Runs already started keep running. */
@Injectable()
export class DeleteScheduleUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: SchedulesRepository,
  ) {}

  async execute(ctx: RpcContext, id: string): Promise<{ id: string; deleted: true }> {
    await this.ds.transaction(async (m) => {
      const schedule = await this.repo.find(ctx.workspace_id, id, m, true);
      if (!schedule) throw SchedulesError.notFound(id);
      await this.repo.delete(m, schedule);
    });
    return { id, deleted: true };
  }
}
