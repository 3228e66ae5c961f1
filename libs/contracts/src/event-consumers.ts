import { AgentsEvents } from './agents/agents.subjects';
import { ConnectionsEvents } from './connections/connections.subjects';
import { ExecutionsEvents } from './executions/executions.subjects';
import { SchedulesEvents } from './schedules/schedules.subjects';
import type { EventSubject } from './subjects';
import { WebhooksEvents } from './webhooks/webhooks.subjects';

/** A service's durable consumer of the events stream: one JetStream consumer per subject (see durableName). */
export interface EventConsumerSpec {
  /** The service whose replicas share it. */
  service: 'executions' | 'schedules' | 'webhooks';
  name: string;
  subjects: readonly EventSubject[];
}

/**
 * Every durable consumer of the events stream. Here, not in the services, because deploy/nats/auth.conf lets each
 * service use its own consumers only, by name (nats-permissions.ts).
 */
export const EVENT_CONSUMERS = {
  /** The engine's read model of the agents; a deletion deletes the agent's runs. */
  executionsAgents: {
    service: 'executions',
    name: 'executions-agents',
    subjects: [AgentsEvents.created, AgentsEvents.updated, AgentsEvents.deleted],
  },
  /** Paused and deleted agents' schedules. */
  schedulesAgents: { service: 'schedules', name: 'schedules-agents', subjects: [AgentsEvents.updated, AgentsEvents.deleted] },
  /** Each fire's run status. */
  schedulesExecutions: {
    service: 'schedules',
    name: 'schedules-executions',
    subjects: [
      ExecutionsEvents.queued,
      ExecutionsEvents.started,
      ExecutionsEvents.waiting,
      ExecutionsEvents.succeeded,
      ExecutionsEvents.failed,
      ExecutionsEvents.cancelled,
    ],
  },
  /** The events webhook endpoints and run callbacks hear of. */
  webhooksMessages: {
    service: 'webhooks',
    name: 'webhooks-messages',
    subjects: [
      ExecutionsEvents.succeeded,
      ExecutionsEvents.failed,
      ExecutionsEvents.waiting,
      ExecutionsEvents.cancelled,
      SchedulesEvents.fired,
      ConnectionsEvents.disconnected,
      WebhooksEvents.endpointDisabled,
    ],
  },
} as const satisfies Record<string, EventConsumerSpec>;

/** The JetStream durable consumer of one subject: `<consumer name>-<subject with _ for .>`. */
export const durableName = (name: string, subject: string) => `${name}-${subject.replace(/\./g, '_')}`;
