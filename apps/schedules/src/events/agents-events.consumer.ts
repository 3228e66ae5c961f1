import { AgentEventData, AgentsEvents, EVENT_CONSUMERS, EventEnvelope } from '@agentry/contracts';
import { EventConsumers, LOGGER } from '@agentry/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { SchedulerLoop } from '../firing/scheduler-loop';
import { SchedulesRepository } from '../schedules/schedules.repository';
import { Clock } from '../timing/clock';
import { firstDueAfter, specOf } from '../timing/first-due';

/**
 * Follows the agents: a paused agent's schedules do not fire (and what was due meanwhile is not caught
 * up when it resumes); a deleted agent's schedules are deleted. Durable, shared by the replicas, idempotent.
 */
@Injectable()
export class AgentsEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly schedules: SchedulesRepository,
    private readonly loop: SchedulerLoop,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.register(EVENT_CONSUMERS.schedulesAgents, {
      [AgentsEvents.updated]: (event, m) => this.statusChanged(event, m),
      [AgentsEvents.deleted]: (event, m) => this.deleted(event, m),
    });
  }

  private async statusChanged(event: EventEnvelope<AgentEventData>, m: EntityManager): Promise<void | (() => void)> {
    const paused = event.data.status === 'paused';
    const at = new Date(event.occurred_at);
    const now = this.clock.now();
    let resumed = 0;
    for (const s of await this.schedules.byAgent(m, event.workspace_id, event.data.agent_id)) {
      if (s.agentStatusAt && s.agentStatusAt.getTime() > at.getTime()) continue; // a newer event was applied
      const resumes = s.agentPaused && !paused;
      const nextRunAt = resumes ? firstDueAfter(specOf(s), now) : s.nextRunAt;
      await this.schedules.setAgentState(m, s.id, paused, at, nextRunAt);
      if (resumes) resumed++;
    }
    return resumed > 0 ? () => this.loop.wakeClaim() : undefined;
  }

  private async deleted(event: EventEnvelope<AgentEventData>, m: EntityManager): Promise<void> {
    const count = await this.schedules.deleteByAgent(m, event.workspace_id, event.data.agent_id);
    if (count > 0)
      this.logger.info({ agent_id: event.data.agent_id, schedules_deleted: count }, 'agent deleted: its schedules are deleted');
  }
}
