import { AgentsEvents, RpcContext } from '@agentry/contracts';
import { Outbox } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentsError } from '../agents.errors';
import { AgentsRepository, toEventData } from '../agents.repository';

/** Hard delete. Versions cascade; runs and schedules are removed by their owners on `agentry.agents.deleted`. */
@Injectable()
export class DeleteAgentUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: AgentsRepository,
    private readonly outbox: Outbox,
  ) {}

  async execute(ctx: RpcContext, ref: string): Promise<{ id: string; deleted: true }> {
    const id = await this.ds.transaction(async (m) => {
      const agent = await this.repo.findByRef(ctx.workspace_id, ref, m, true);
      if (!agent) throw AgentsError.notFound(ref);
      await this.repo.delete(m, agent);
      await this.outbox.add(m, AgentsEvents.deleted, ctx.workspace_id, toEventData(agent, false));
      return agent.id;
    });
    this.outbox.flush();
    return { id, deleted: true };
  }
}
