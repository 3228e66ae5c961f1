import { AgentsRpc, AgentStatus, AgentView, ErrorCode, ExecutionsInternal } from '@agentry/contracts';
import { AppError, NATS, NatsHandles, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ExecutionsConfig } from '../config/executions.config';
import { CompiledDefinition } from '../engine/definition/compiled-definition';
import { DefinitionCache } from '../engine/definition/definition-cache';
import { ServiceRpcClient } from '../rpc/service-rpc.client';
import { AgentCatalogRepository } from './agent-catalog.repository';

/** What starting a run needs to know about its agent. */
export interface AgentSnapshot {
  id: string;
  workspaceId: string;
  slug: string;
  status: AgentStatus;
  version: number;
  maxConcurrency: number;
  maxTokensPerRun: number | null;
  /** The default model and connection of its AI steps. */
  llm: { model?: string; connection_id?: string } | null;
  definition: CompiledDefinition;
}

interface CacheEntry {
  agent: AgentSnapshot;
  expiresAt: number;
}

/**
 * Agents as the executions service knows them: a process cache over the local read model, which
 * agents events keep current; an agent the read model does not know yet (its event is still on the
 * way) is fetched once with `agents.get`. Every replica drops its cached copy when the read model
 * changes (`executions.agent_changed`), so a pause reaches all replicas as soon as its event is applied.
 */
@Injectable()
export class AgentCatalog implements OnApplicationBootstrap {
  private readonly cache = new Map<string, CacheEntry>();
  /** Bumped by every forget: a lookup that was under way when an agent changed must not cache what it read. */
  private generation = 0;

  constructor(
    private readonly repo: AgentCatalogRepository,
    private readonly definitions: DefinitionCache,
    private readonly rpc: ServiceRpcClient,
    @Inject(NATS) private readonly nats: NatsHandles,
    @Inject(SERVICE_CONFIG) private readonly config: ExecutionsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.nats.nc.subscribe(ExecutionsInternal.agentChanged, {
      callback: (err, msg) => {
        if (err) return;
        const { agent_id } = msg.json<{ agent_id: string }>();
        this.forget(agent_id);
      },
    });
  }

  /** Tells every replica (this one included) that an agent changed in the read model. */
  announceChange(agentId: string): void {
    this.forget(agentId);
    this.nats.nc.publish(ExecutionsInternal.agentChanged, JSON.stringify({ agent_id: agentId }));
  }

  forget(agentId: string): void {
    this.generation++;
    for (const [key, entry] of this.cache) if (entry.agent.id === agentId) this.cache.delete(key);
  }

  /** By `agt_…` id or slug, in the caller's workspace; NOT_FOUND otherwise. */
  async resolve(workspaceId: string, ref: string): Promise<AgentSnapshot> {
    const key = `${workspaceId}/${ref}`;
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.agent;
    const generation = this.generation;
    const agent = (await this.fromReadModel(workspaceId, ref)) ?? (await this.fromAgentsService(workspaceId, ref));
    if (this.config.AGENT_CACHE_TTL_MS > 0 && generation === this.generation) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, { agent, expiresAt: Date.now() + this.config.AGENT_CACHE_TTL_MS });
    }
    return agent;
  }

  private async fromReadModel(workspaceId: string, ref: string): Promise<AgentSnapshot | null> {
    const row = await this.repo.find(workspaceId, ref);
    if (!row || !row.full_state || !row.has_version) return null;
    let definition = this.definitions.get(row.id, row.version);
    if (!definition) {
      const raw = await this.repo.definition(row.id, row.version);
      if (!raw) return null;
      definition = this.definitions.compile(row.id, row.version, raw);
    }
    return {
      id: row.id,
      workspaceId,
      slug: row.slug,
      status: row.status,
      version: row.version,
      maxConcurrency: row.max_concurrency,
      maxTokensPerRun: row.max_tokens_per_run,
      llm: row.llm ?? null,
      definition,
    };
  }

  private async fromAgentsService(workspaceId: string, ref: string): Promise<AgentSnapshot> {
    let view: AgentView;
    try {
      view = await this.rpc.call(AgentsRpc.get, { agent: ref }, workspaceId);
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.NOT_FOUND) throw AppError.notFound('Agent', ref);
      throw err;
    }
    // A deleted agent's late answer must not come back to life in the read model.
    if (await this.repo.isDeleted(view.id)) throw AppError.notFound('Agent', ref);
    const state = {
      agent_id: view.id,
      workspace_id: workspaceId,
      slug: view.slug,
      status: view.status,
      version: view.version,
      name: view.name,
      definition: view.definition,
      llm: view.llm,
      max_concurrency: view.max_concurrency,
      max_tokens_per_run: view.max_tokens_per_run,
    };
    // Stamped with the agent's updated_at: an event of the same or a later change still applies over it.
    await this.repo.saveFull(state, view.updated_at);
    return {
      id: view.id,
      workspaceId,
      slug: view.slug,
      status: view.status,
      version: view.version,
      maxConcurrency: view.max_concurrency,
      maxTokensPerRun: view.max_tokens_per_run,
      llm: (view.llm as AgentSnapshot['llm']) ?? null,
      definition: this.definitions.compile(view.id, view.version, view.definition),
    };
  }
}
