import { AgentView } from '@agentry/contracts';
import { decodeCursor, isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AgentEntity } from './agent.entity';
import { AgentVersionEntity } from './agent-version.entity';

export interface AgentFilter {
  status?: string;
  tag?: string;
  q?: string;
  cursor?: string;
  limit: number;
}

/** The only code that reads or writes the agents tables. Every query is scoped to a workspace. */
@Injectable()
export class AgentsRepository {
  constructor(@InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>) {}

  /** By `agt_…` id or by slug. */
  findByRef(workspaceId: string, ref: string, manager?: EntityManager): Promise<AgentEntity | null> {
    const repo = manager ? manager.getRepository(AgentEntity) : this.agents;
    const where = isId('agt', ref) ? { workspaceId, id: ref } : { workspaceId, slug: ref };
    return repo.findOne({ where });
  }

  async list(workspaceId: string, f: AgentFilter): Promise<AgentEntity[]> {
    const qb = this.agents.createQueryBuilder('a').where('a.workspace_id = :workspaceId', { workspaceId });
    if (f.status) qb.andWhere('a.status = :status', { status: f.status });
    if (f.tag) qb.andWhere(':tag = ANY(a.tags)', { tag: f.tag });
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('(a.name ILIKE :like OR a.slug ILIKE :like OR a.description ILIKE :like)', { like });
    }
    const after = decodeCursor<{ id: string }>(f.cursor, ['id']);
    if (after) qb.andWhere('a.id < :after', { after: after.id });
    return qb.orderBy('a.id', 'DESC').limit(f.limit + 1).getMany();
  }

  async insert(manager: EntityManager, agent: AgentEntity): Promise<void> {
    // jsonb columns hold DTO objects, which TypeORM's deep-partial insert type cannot express.
    await manager.insert(AgentEntity, agent as never);
    await manager.insert(AgentVersionEntity, { agentId: agent.id, version: agent.version, definition: agent.definition } as never);
  }
}

export function toAgentView(a: AgentEntity): AgentView {
  return {
    id: a.id,
    slug: a.slug,
    name: a.name,
    description: a.description,
    tags: a.tags,
    status: a.status,
    version: a.version,
    definition: a.definition,
    llm: a.llm,
    max_concurrency: a.maxConcurrency,
    max_tokens_per_run: a.maxTokensPerRun,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}
