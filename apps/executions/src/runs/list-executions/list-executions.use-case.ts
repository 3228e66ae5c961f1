import { ExecutionSummaryView, ListExecutionsQuery, Page, RpcContext } from '@agentry/contracts';
import { isId, pageLimit, toPage } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { AgentCatalogRepository } from '../../catalog/agent-catalog.repository';
import { toSummaryView } from '../../engine/execution-view';
import { ExecutionsRepository } from '../executions.repository';

/** `executions.list`: newest first; `agent_id` may be an id or a slug (`GET /v1/agents/{slug}/executions`). */
@Injectable()
export class ListExecutionsUseCase {
  constructor(
    private readonly runs: ExecutionsRepository,
    private readonly agents: AgentCatalogRepository,
  ) {}

  async execute(ctx: RpcContext, q: ListExecutionsQuery): Promise<Page<ExecutionSummaryView>> {
    const limit = pageLimit(q.limit);
    let agentId = q.agent_id;
    if (agentId && !isId('agt', agentId)) {
      const agent = await this.agents.find(ctx.workspace_id, agentId);
      if (!agent) return { data: [], next_cursor: null };
      agentId = agent.id;
    }
    const rows = await this.runs.list(ctx.workspace_id, {
      agentId,
      status: q.status,
      triggerType: q.trigger_type,
      from: q.from,
      to: q.to,
      cursor: q.cursor,
      limit,
    });
    return toPage(rows, limit, toSummaryView, (r) => ({ id: r.id }));
  }
}
