import { WebhookEventType, WebhookEventTypeView } from '@agentry/contracts';

const EXAMPLE_IDS = {
  message: 'msg_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
  workspace: 'wks_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
  execution: 'exe_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
  agent: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
};
const AT = '2026-11-23T10:00:07.000Z';

const run = (event: WebhookEventType, status: string, extra: Record<string, unknown>) => ({
  event,
  id: EXAMPLE_IDS.message,
  workspace_id: EXAMPLE_IDS.workspace,
  status,
  execution_id: EXAMPLE_IDS.execution,
  agent_id: EXAMPLE_IDS.agent,
  trigger_type: 'api',
  ...extra,
  timestamp: AT,
});

const CATALOG: Record<WebhookEventType, { description: string; example: Record<string, unknown> }> = {
  'agent.execution.success': {
    description: 'A run succeeded; carries its output, summary, tokens used and duration',
    example: run('agent.execution.success', 'succeeded', {
      summary: 'Triaged 18 emails | 2 urgent | 4 archived',
      output: { urgent: 2, archived: 4 },
      tokens_used: 4821,
      duration_ms: 7340,
    }),
  },
  'agent.execution.failed': {
    description: 'A run failed or timed out; carries the error',
    example: run('agent.execution.failed', 'failed', {
      error: { code: 'STEP_FAILED', message: 'HTTP 500 from https://api.example.com', step_id: 'fetch' },
      tokens_used: 120,
      duration_ms: 1830,
    }),
  },
  'agent.execution.waiting': {
    description: 'A run waits: for an approval (approval_id) or a durable delay',
    example: run('agent.execution.waiting', 'waiting', { step_id: 'approve', approval_id: 'apr_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }),
  },
  'agent.execution.cancelled': {
    description: 'A run was cancelled',
    example: run('agent.execution.cancelled', 'cancelled', { duration_ms: 920 }),
  },
  'schedule.fired': {
    description: 'A schedule fired: its run is starting (`state: pending`) or waits for the running one (`buffered`)',
    example: {
      event: 'schedule.fired',
      id: EXAMPLE_IDS.message,
      workspace_id: EXAMPLE_IDS.workspace,
      status: 'fired',
      schedule_id: 'sch_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
      agent_id: EXAMPLE_IDS.agent,
      fire_id: 'run_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
      due_at: '2026-11-23T10:00:00.000Z',
      trigger: 'schedule',
      state: 'pending',
      timestamp: AT,
    },
  },
  'integration.disconnected': {
    description: 'A connection was refused by its platform (revoked, invalid or expired credentials)',
    example: {
      event: 'integration.disconnected',
      id: EXAMPLE_IDS.message,
      workspace_id: EXAMPLE_IDS.workspace,
      status: 'expired',
      connection_id: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
      platform: 'slack',
      name: 'Slack (ops)',
      error_message: 'token_expired',
      timestamp: AT,
    },
  },
  'webhook.endpoint.disabled': {
    description: "A webhook endpoint was disabled (410 Gone, failing for 5 days, or by a user); sent to the workspace's other endpoints",
    example: {
      event: 'webhook.endpoint.disabled',
      id: EXAMPLE_IDS.message,
      workspace_id: EXAMPLE_IDS.workspace,
      status: 'disabled',
      endpoint_id: 'whe_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
      url: 'https://example.com/hooks/agentry',
      cause: 'failing',
      reason: 'Every delivery attempt failed since 2026-11-18T10:00:00Z',
      timestamp: AT,
    },
  },
};

export function eventTypeViews(): WebhookEventTypeView[] {
  return Object.entries(CATALOG).map(([name, c]) => ({ name, description: c.description, example: c.example }));
}

/** The example payload of a type, for `POST …/test`. */
export function examplePayload(type: WebhookEventType): Record<string, unknown> {
  return structuredClone(CATALOG[type].example);
}
