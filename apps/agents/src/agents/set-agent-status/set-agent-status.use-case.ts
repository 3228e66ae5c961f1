import { AgentsEvents, AgentStatus, AgentView, RpcContext } from '@agentry/contracts';
import { Outbox } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentsError } from '../agents.errors';
import { AgentsRepository, toAgentView, toEventData } from '../agents.repository';

/** Pause (`paused`) or resume (`active`). Idempotent: asking for the current status changes and publishes nothing. */
@Injectable()
export class SetAgentStatusUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: AgentsRepository,
    private readonly outbox: Outbox,
  ) {}

  async execute(ctx: RpcContext, ref: string, status: AgentStatus): Promise<AgentView> {
    let changed = false;
    const agent = await this.ds.transaction(async (m) => {
      const agent = await this.repo.findByRef(ctx.workspace_id, ref, m, true);
      if (!agent) throw AgentsError.notFound(ref);
      if (agent.status === status) return agent;
      agent.status = status;
      agent.updatedAt = new Date();
      await this.repo.update(m, agent);
      await this.outbox.add(m, AgentsEvents.updated, ctx.workspace_id, toEventData(agent));
      changed = true;
      return agent;
    });
    if (changed) this.outbox.flush();
    return toAgentView(agent);
  }
}
