import { AgentsEvents, AgentView, RpcContext, UpdateAgentRequest } from '@agentry/contracts';
import { isUniqueViolation, Outbox } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentsError } from '../agents.errors';
import { AgentsRepository, toAgentView, toEventData } from '../agents.repository';
import { DefinitionValidator } from '../definition/definition-validator';
import { applyAgentPatch, nullFieldsIn } from './agent-patch';

/**
 * PATCH an agent. A changed definition becomes version N+1 (with its agent_versions row); an
 * identical one (whatever its key order) does not. A request that changes nothing writes nothing
 * and publishes nothing.
 */
@Injectable()
export class UpdateAgentUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: AgentsRepository,
    private readonly outbox: Outbox,
    private readonly validator: DefinitionValidator,
  ) {}

  async execute(ctx: RpcContext, ref: string, patch: UpdateAgentRequest): Promise<AgentView> {
    const nulls = nullFieldsIn(patch);
    if (nulls.length > 0) throw AgentsError.notNullable(nulls);
    let changed = false;
    let slug = patch.slug;
    try {
      const agent = await this.ds.transaction(async (m) => {
        const agent = await this.repo.findByRef(ctx.workspace_id, ref, m, true);
        if (!agent) throw AgentsError.notFound(ref);
        const outcome = applyAgentPatch(agent, patch);
        if (!outcome.changed) return agent;
        if (outcome.revalidate) this.validator.assertValid(agent.definition, { llm: agent.llm });
        slug = agent.slug;
        if (outcome.slugChanged && (await this.repo.slugTaken(m, ctx.workspace_id, agent.slug, agent.id)))
          throw AgentsError.slugTaken(agent.slug);
        agent.updatedAt = new Date();
        if (outcome.definitionChanged) {
          agent.version += 1;
          await this.repo.insertVersion(m, agent);
        }
        await this.repo.update(m, agent);
        await this.outbox.add(m, AgentsEvents.updated, ctx.workspace_id, toEventData(agent));
        changed = true;
        return agent;
      });
      if (changed) this.outbox.flush();
      return toAgentView(agent);
    } catch (err) {
      // Two renames to the same slug at once: the loser hits the unique key.
      if (isUniqueViolation(err, 'agents_workspace_id_slug_key')) throw AgentsError.slugTaken(slug ?? '');
      throw err;
    }
  }
}
