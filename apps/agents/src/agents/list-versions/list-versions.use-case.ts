import { AgentVersionsQuery, AgentVersionView, Page, RpcContext } from '@agentry/contracts';
import { pageLimit, toPage } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { AgentsError } from '../agents.errors';
import { AgentsRepository, toVersionView } from '../agents.repository';

/** An agent's versions, newest first. */
@Injectable()
export class ListVersionsUseCase {
  constructor(private readonly repo: AgentsRepository) {}

  async execute(ctx: RpcContext, query: AgentVersionsQuery): Promise<Page<AgentVersionView>> {
    const agent = await this.repo.findByRef(ctx.workspace_id, query.agent);
    if (!agent) throw AgentsError.notFound(query.agent);
    const limit = pageLimit(query.limit);
    const rows = await this.repo.listVersions(agent.id, { cursor: query.cursor, limit });
    return toPage(rows, limit, toVersionView, (v) => ({ version: v.version }));
  }
}
