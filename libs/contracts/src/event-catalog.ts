import { AgentEventData } from './agents/agents.dto';
import { ExecutionEventData } from './executions/executions.dto';
import { ConnectionDisconnectedEventData } from './connections/connections.dto';
import { WebhookEndpointDisabledEventData } from './webhooks/webhook-views.dto';
import { ScheduleFiredEventData } from './schedules/schedule-views.dto';
import type { EventSubject } from './subjects';

export interface EventCatalogEntry {
  version: number;
  summary: string;
  /** class-validator class of the envelope's `data`. */
  data: new (...args: never[]) => object;
}

/**
 * Every domain event with its data class: the source of the AsyncAPI document (docs/asyncapi.json).
 * Typed over EventMap, so a subject added to a service's map without a catalog entry does not compile.
 */
export const EVENT_CATALOG: Record<EventSubject, EventCatalogEntry> = {
  'agentry.agents.created': { version: 1, summary: 'An agent was created; data carries its full state', data: AgentEventData },
  'agentry.agents.updated': {
    version: 1,
    summary: 'An agent changed (fields, definition, pause or resume); data carries its full state',
    data: AgentEventData,
  },
  'agentry.agents.deleted': {
    version: 1,
    summary: 'An agent was deleted; its runs and schedules are deleted by their services',
    data: AgentEventData,
  },
  'agentry.executions.queued': { version: 1, summary: 'A run was accepted and waits for a worker', data: ExecutionEventData },
  'agentry.executions.started': { version: 1, summary: 'A worker started (or resumed) a run', data: ExecutionEventData },
  'agentry.executions.step_completed': {
    version: 1,
    summary: 'A step of a run finished (succeeded, failed or skipped)',
    data: ExecutionEventData,
  },
  'agentry.executions.waiting': { version: 1, summary: 'A run waits for an approval or a durable delay', data: ExecutionEventData },
  'agentry.executions.succeeded': { version: 1, summary: 'A run succeeded; data carries its output', data: ExecutionEventData },
  'agentry.executions.failed': { version: 1, summary: 'A run failed or timed out; data carries the error', data: ExecutionEventData },
  'agentry.executions.cancelled': { version: 1, summary: 'A run was cancelled', data: ExecutionEventData },
  'agentry.connections.disconnected': {
    version: 1,
    summary:
      'A connection test, or a tool call, model call or http step made with the connection, met an auth failure (invalid, revoked or expired credentials) and the connection is now error or expired; webhooks turn it into integration.disconnected',
    data: ConnectionDisconnectedEventData,
  },
  'agentry.webhooks.endpoint_disabled': {
    version: 1,
    summary:
      'A webhook endpoint was disabled (410 Gone, failing for the configured period, or by a user); webhooks turn it into webhook.endpoint.disabled',
    data: WebhookEndpointDisabledEventData,
  },
  'agentry.schedules.fired': {
    version: 1,
    summary:
      'A schedule fired: a due time (or a catch-up, backfill or manual run) was committed exactly once; its run is started with the fire id as idempotency key',
    data: ScheduleFiredEventData,
  },
};
