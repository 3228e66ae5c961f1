import { AgentEventData, AgentVersionView, AgentView } from '@agentry/contracts';
import { AppError, decodeCursor, isId } from '@agentry/common';
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

export interface VersionPage {
  cursor?: string;
  limit: number;
}

/** The only code that reads or writes the agents tables. Every query is scoped to a workspace. */
@Injectable()
export class AgentsRepository {
  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectRepository(AgentVersionEntity) private readonly versions: Repository<AgentVersionEntity>,
  ) {}

  /** By `agt_…` id or by slug. With `lock`, the row stays locked until the caller's transaction ends. */
  findByRef(workspaceId: string, ref: string, manager?: EntityManager, lock = false): Promise<AgentEntity | null> {
    const repo = manager ? manager.getRepository(AgentEntity) : this.agents;
    const where = isId('agt', ref) ? { workspaceId, id: ref } : { workspaceId, slug: ref };
    return repo.findOne({ where, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
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
    return qb
      .orderBy('a.id', 'DESC')
      .limit(f.limit + 1)
      .getMany();
  }

  /** Slugs in the workspace equal to `base` or starting with `base-`: the candidates for a numeric suffix. */
  async slugsLike(manager: EntityManager, workspaceId: string, base: string): Promise<string[]> {
    const rows: { slug: string }[] = await manager
      .getRepository(AgentEntity)
      .createQueryBuilder('a')
      .select('a.slug', 'slug')
      .where('a.workspace_id = :workspaceId', { workspaceId })
      .andWhere("(a.slug = :base OR a.slug LIKE :prefix ESCAPE '\\')", { base, prefix: `${base.replace(/[\\%_]/g, (c) => `\\${c}`)}-%` })
      .getRawMany();
    return rows.map((r) => r.slug);
  }

  async slugTaken(manager: EntityManager, workspaceId: string, slug: string, exceptId?: string): Promise<boolean> {
    const qb = manager
      .getRepository(AgentEntity)
      .createQueryBuilder('a')
      .where('a.workspace_id = :workspaceId AND a.slug = :slug', { workspaceId, slug });
    if (exceptId) qb.andWhere('a.id <> :exceptId', { exceptId });
    return (await qb.getCount()) > 0;
  }

  /** Inserts the agent and its first version row. */
  async insert(manager: EntityManager, agent: AgentEntity): Promise<void> {
    // jsonb columns hold DTO objects, which TypeORM's deep-partial insert type cannot express.
    await manager.insert(AgentEntity, agent as never);
    await this.insertVersion(manager, agent);
  }

  /** Writes every mutable column of the agent. */
  async update(manager: EntityManager, agent: AgentEntity): Promise<void> {
    const { id, workspaceId, createdAt: _createdAt, ...columns } = agent;
    await manager.update(AgentEntity, { id, workspaceId }, columns as never);
  }

  /** Records the agent's current definition as its current version. */
  async insertVersion(manager: EntityManager, agent: AgentEntity): Promise<void> {
    await manager.insert(AgentVersionEntity, {
      agentId: agent.id,
      version: agent.version,
      definition: agent.definition,
      createdAt: agent.updatedAt,
    } as never);
  }

  /** Deletes the agent; its versions go with it (ON DELETE CASCADE). */
  async delete(manager: EntityManager, agent: AgentEntity): Promise<void> {
    await manager.delete(AgentEntity, { id: agent.id, workspaceId: agent.workspaceId });
  }

  /** Newest first; keyset on version. */
  async listVersions(agentId: string, page: VersionPage): Promise<AgentVersionEntity[]> {
    const qb = this.versions.createQueryBuilder('v').where('v.agent_id = :agentId', { agentId });
    const after = versionCursor(page.cursor);
    if (after !== null) qb.andWhere('v.version < :version', { version: after });
    return qb
      .orderBy('v.version', 'DESC')
      .limit(page.limit + 1)
      .getMany();
  }
}

/** The version a versions cursor points after; a forged one (not a Postgres int) is a 400, not a failed query. */
export function versionCursor(cursor: string | undefined): number | null {
  const after = decodeCursor<{ version: number }>(cursor, ['version']);
  if (!after) return null;
  if (!Number.isInteger(after.version) || after.version < 0 || after.version > 2_147_483_647) {
    throw AppError.invalid('Invalid cursor', [{ field: 'cursor', reason: 'is not a cursor returned by this list' }]);
  }
  return after.version;
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

export function toVersionView(v: AgentVersionEntity): AgentVersionView {
  return { agent_id: v.agentId, version: v.version, definition: v.definition, created_at: v.createdAt.toISOString() };
}

/**
 * The data of `agentry.agents.created|updated`: the agent's state, so consumers (executions) keep a
 * read model without calling back. `deleted` carries only the identity (`full = false`).
 */
export function toEventData(a: AgentEntity, full = true): AgentEventData {
  const identity = { agent_id: a.id, slug: a.slug, version: a.version, status: a.status };
  if (!full) return identity;
  return {
    ...identity,
    name: a.name,
    definition: a.definition,
    llm: a.llm,
    max_concurrency: a.maxConcurrency,
    max_tokens_per_run: a.maxTokensPerRun,
  };
}
