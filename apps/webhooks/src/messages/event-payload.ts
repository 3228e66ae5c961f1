import {
  ConnectionDisconnectedEventData,
  EventEnvelope,
  ExecutionEventData,
  ScheduleFiredEventData,
  WebhookEndpointDisabledEventData,
  WebhookEventType,
} from '@agentry/contracts';

/** A message before it has an id: what fan-out stores and sends. */
export interface MessageDraft {
  eventType: WebhookEventType;
  /** For the endpoints' `agent_ids` filter; null for events that belong to no agent. */
  agentId: string | null;
  callbackUrl: string | null;
  /** Never sent to this endpoint (the one a `webhook.endpoint.disabled` is about). */
  excludeEndpointId: string | null;
  /** The SPEC payload without `id` (the message id, set by fan-out). */
  fields: Record<string, unknown>;
}

const EXECUTION_TYPES: Record<string, WebhookEventType> = {
  'agentry.executions.succeeded': 'agent.execution.success',
  'agentry.executions.failed': 'agent.execution.failed',
  'agentry.executions.waiting': 'agent.execution.waiting',
  'agentry.executions.cancelled': 'agent.execution.cancelled',
};

/** Drops undefined fields so the body only carries what is known. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function executionDraft(subject: string, e: EventEnvelope<ExecutionEventData>): MessageDraft | null {
  const eventType = EXECUTION_TYPES[subject];
  if (!eventType) return null;
  const d = e.data;
  return {
    eventType,
    agentId: d.agent_id,
    callbackUrl: d.callback_url || null,
    excludeEndpointId: null,
    fields: compact({
      event: eventType,
      workspace_id: e.workspace_id,
      status: d.status,
      execution_id: d.execution_id,
      agent_id: d.agent_id,
      trigger_type: d.trigger_type,
      summary: d.summary ?? undefined,
      output: eventType === 'agent.execution.success' ? (d.output ?? null) : undefined,
      error: d.error ?? undefined,
      step_id: eventType === 'agent.execution.waiting' ? d.step_id : undefined,
      approval_id: d.approval_id,
      tokens_used: d.tokens_used,
      duration_ms: d.duration_ms ?? undefined,
      retry_of: d.retry_of ?? undefined,
      timestamp: e.occurred_at,
    }),
  };
}

export function scheduleFiredDraft(e: EventEnvelope<ScheduleFiredEventData>): MessageDraft {
  const d = e.data;
  return {
    eventType: 'schedule.fired',
    agentId: d.agent_id,
    callbackUrl: null,
    excludeEndpointId: null,
    fields: {
      event: 'schedule.fired',
      workspace_id: e.workspace_id,
      status: 'fired',
      schedule_id: d.schedule_id,
      agent_id: d.agent_id,
      fire_id: d.fire_id,
      due_at: d.due_at,
      trigger: d.trigger,
      state: d.state,
      timestamp: e.occurred_at,
    },
  };
}

export function disconnectedDraft(e: EventEnvelope<ConnectionDisconnectedEventData>): MessageDraft {
  const d = e.data;
  return {
    eventType: 'integration.disconnected',
    agentId: null,
    callbackUrl: null,
    excludeEndpointId: null,
    fields: {
      event: 'integration.disconnected',
      workspace_id: e.workspace_id,
      status: d.status,
      connection_id: d.connection_id,
      platform: d.platform,
      name: d.name,
      error_message: d.error_message,
      timestamp: e.occurred_at,
    },
  };
}

export function endpointDisabledDraft(e: EventEnvelope<WebhookEndpointDisabledEventData>): MessageDraft {
  const d = e.data;
  return {
    eventType: 'webhook.endpoint.disabled',
    agentId: null,
    callbackUrl: null,
    excludeEndpointId: d.endpoint_id,
    fields: {
      event: 'webhook.endpoint.disabled',
      workspace_id: e.workspace_id,
      status: 'disabled',
      endpoint_id: d.endpoint_id,
      url: d.url,
      cause: d.cause,
      reason: d.reason,
      timestamp: e.occurred_at,
    },
  };
}

/**
 * The body of a message: `event` and `id` first, then the rest. A body over the limit loses its run
 * `output` (the run keeps it: `GET /v1/executions/{id}`), then long texts are cut, so the receiver
 * still hears that the run finished.
 */
export function serializePayload(id: string, fields: Record<string, unknown>, maxBytes: number): string {
  const { event, ...rest } = fields;
  let body = JSON.stringify({ event, id, ...rest });
  if (Buffer.byteLength(body) <= maxBytes) return body;
  const slim: Record<string, unknown> = { event, id, ...rest };
  if ('output' in slim) {
    slim.output = null;
    slim.output_omitted = `The output is larger than the ${maxBytes}-byte payload limit; read it with GET /v1/executions/${String(slim.execution_id ?? '')}`;
    body = JSON.stringify(slim);
    if (Buffer.byteLength(body) <= maxBytes) return body;
  }
  for (const [k, v] of Object.entries(slim)) {
    if (typeof v === 'string' && v.length > 1000) slim[k] = `${v.slice(0, 1000)}…`;
  }
  const err = slim.error as { message?: unknown } | undefined;
  if (err && typeof err.message === 'string' && err.message.length > 1000)
    slim.error = { ...err, message: `${err.message.slice(0, 1000)}…` };
  return JSON.stringify(slim);
}
