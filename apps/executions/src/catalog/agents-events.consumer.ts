import { AgentEventData, AgentsEvents, EVENT_CONSUMERS, EventEnvelope } from '@agentry/contracts';
import { EventConsumers, LOGGER } from '@agentry/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { AgentCatalog } from './agent-catalog';
import { AgentCatalogRepository } from './agent-catalog.repository';

/**
 * Keeps the agents read model current from `agentry.agents.created|updated|deleted` (durable,
 * shared by the replicas, idempotent). A deletion deletes the agent's runs.
 */
@Injectable()
export class AgentsEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly repo: AgentCatalogRepository,
    private readonly catalog: AgentCatalog,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const upsert = (event: EventEnvelope<AgentEventData>, m: EntityManager) => this.upsert(event, m);
    await this.consumers.register(EVENT_CONSUMERS.executionsAgents, {
      [AgentsEvents.created]: upsert,
      [AgentsEvents.updated]: upsert,
      [AgentsEvents.deleted]: (event, m) => this.remove(event, m),
    });
  }

  private async upsert(event: EventEnvelope<AgentEventData>, m: EntityManager): Promise<() => void> {
    const d = event.data;
    if (d.definition && d.max_concurrency !== undefined) {
      await this.repo.saveFull(
        {
          agent_id: d.agent_id,
          workspace_id: event.workspace_id,
          slug: d.slug,
          status: d.status,
          version: d.version,
          name: d.name,
          definition: d.definition,
          llm: d.llm ?? null,
          max_concurrency: d.max_concurrency,
          max_tokens_per_run: d.max_tokens_per_run ?? null,
        },
        event.occurred_at,
        m,
      );
    } else {
      await this.repo.savePartial(event.workspace_id, d, event.occurred_at, m);
    }
    return () => this.catalog.announceChange(d.agent_id);
  }

  private async remove(event: EventEnvelope<AgentEventData>, m: EntityManager): Promise<() => void> {
    const deleted = await this.repo.delete(event.workspace_id, event.data, event.occurred_at, m);
    this.logger.info({ agent_id: event.data.agent_id, runs_deleted: deleted }, 'agent deleted: its runs are deleted');
    return () => this.catalog.announceChange(event.data.agent_id);
  }
}
