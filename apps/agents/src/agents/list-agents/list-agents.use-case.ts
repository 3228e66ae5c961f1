import { AgentView, ListAgentsQuery, Page, RpcContext } from '@agentry/contracts';
import { pageLimit, toPage } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { AgentsRepository, toAgentView } from '../agents.repository';

@Injectable()
export class ListAgentsUseCase {
  constructor(private readonly repo: AgentsRepository) {}

  async execute(ctx: RpcContext, query: ListAgentsQuery): Promise<Page<AgentView>> {
    const limit = pageLimit(query.limit);
    const rows = await this.repo.list(ctx.workspace_id, { ...query, limit });
    return toPage(rows, limit, toAgentView, (a) => ({ id: a.id }));
  }
}
