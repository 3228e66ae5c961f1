import { AgentsEvents, AgentView, CreateAgentRequest, RpcContext } from '@agentry/contracts';
import { isUniqueViolation, newId, Outbox } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentEntity } from '../agent.entity';
import { AgentsError } from '../agents.errors';
import { AgentsRepository, toAgentView, toEventData } from '../agents.repository';
import { DefinitionValidator } from '../definition/definition-validator';
import { nextFreeSlug, slugify } from '../slug';

/** Two requests may pick the same free suffix at once; the loser tries again with the next one. */
const AUTO_SLUG_ATTEMPTS = 5;

/**
 * Creates an agent at version 1. A slug the caller gave must be free (CONFLICT otherwise); a slug
 * derived from the name gets a numeric suffix when it is taken (`lead-qualifier-2`).
 */
@Injectable()
export class CreateAgentUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: AgentsRepository,
    private readonly outbox: Outbox,
    private readonly validator: DefinitionValidator,
  ) {}

  async execute(ctx: RpcContext, req: CreateAgentRequest): Promise<AgentView> {
    this.validator.assertValid(req.definition, { llm: req.llm });
    const agent = newAgent(ctx.workspace_id, req);
    const base = req.slug ?? slugify(req.name);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ds.transaction(async (m) => {
          agent.slug = req.slug ?? nextFreeSlug(base, await this.repo.slugsLike(m, ctx.workspace_id, base));
          await this.repo.insert(m, agent);
          await this.outbox.add(m, AgentsEvents.created, ctx.workspace_id, toEventData(agent));
        });
        break;
      } catch (err) {
        if (!isUniqueViolation(err, 'agents_workspace_id_slug_key')) throw err;
        if (req.slug !== undefined || attempt >= AUTO_SLUG_ATTEMPTS) throw AgentsError.slugTaken(agent.slug);
      }
    }
    this.outbox.flush();
    return toAgentView(agent);
  }
}

function newAgent(workspaceId: string, req: CreateAgentRequest): AgentEntity {
  const now = new Date();
  return Object.assign(new AgentEntity(), {
    id: newId('agt'),
    workspaceId,
    slug: req.slug ?? '',
    name: req.name,
    description: req.description ?? null,
    tags: req.tags ?? [],
    status: 'active' as const,
    version: 1,
    definition: req.definition,
    llm: req.llm ?? null,
    maxConcurrency: req.max_concurrency ?? 10,
    maxTokensPerRun: req.max_tokens_per_run ?? null,
    createdAt: now,
    updatedAt: now,
  });
}
