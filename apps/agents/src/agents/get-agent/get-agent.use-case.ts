import { AgentView, RpcContext } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { AgentsError } from '../agents.errors';
import { AgentsRepository, toAgentView } from '../agents.repository';

@Injectable()
export class GetAgentUseCase {
  constructor(private readonly repo: AgentsRepository) {}

  async execute(ctx: RpcContext, ref: string): Promise<AgentView> {
    const agent = await this.repo.findByRef(ctx.workspace_id, ref);
    if (!agent) throw AgentsError.notFound(ref);
    return toAgentView(agent);
  }
}
