import { AgentsEvents, AgentView, CreateAgentRequest, RpcContext } from '@agentry/contracts';
import { isUniqueViolation, newId, Outbox } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentEntity } from '../agent.entity';
import { AgentsError } from '../agents.errors';
import { AgentsRepository, toAgentView } from '../agents.repository';

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug || 'agent';
}

@Injectable()
export class CreateAgentUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: AgentsRepository,
    private readonly outbox: Outbox,
  ) {}

  async execute(ctx: RpcContext, req: CreateAgentRequest): Promise<AgentView> {
    const now = new Date();
    const agent = Object.assign(new AgentEntity(), {
      id: newId('agt'),
      workspaceId: ctx.workspace_id,
      slug: req.slug ?? slugify(req.name),
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
    try {
      await this.ds.transaction(async (m) => {
        await this.repo.insert(m, agent);
        await this.outbox.add(m, AgentsEvents.created, ctx.workspace_id, {
          agent_id: agent.id,
          slug: agent.slug,
          version: agent.version,
          status: agent.status,
        });
      });
    } catch (err) {
      if (isUniqueViolation(err, 'agents_workspace_id_slug_key')) throw AgentsError.slugTaken(agent.slug);
      throw err;
    }
    this.outbox.flush();
    return toAgentView(agent);
  }
}
