import type { ExecutionEventData, ExecutionStepView, ExecutionSummaryView, ExecutionView } from '@agentry/contracts';
import { ExecutionRecord, StepRecord } from './run-record';

export function toStepView(s: StepRecord): ExecutionStepView {
  return {
    step_id: s.step_id,
    type: s.type,
    status: s.status,
    output: s.output ?? null,
    error: s.error ?? null,
    attempts: s.attempts.map((a) => ({
      attempt: a.attempt,
      status: a.status,
      started_at: a.started_at,
      finished_at: a.finished_at,
      duration_ms: a.duration_ms,
      ...(a.error ? { error: a.error } : {}),
    })),
    tokens_used: s.tokens_used,
    started_at: s.started_at,
    finished_at: s.finished_at,
    duration_ms: s.duration_ms,
  };
}

export function toExecutionView(e: ExecutionRecord, steps: Iterable<StepRecord>): ExecutionView {
  return {
    id: e.id,
    agent_id: e.agent_id,
    agent_version: e.agent_version,
    status: e.status,
    trigger_type: e.trigger_type,
    trigger_id: e.trigger_id,
    input: e.input,
    output: e.output ?? null,
    error: e.error ?? null,
    steps: [...steps].sort((a, b) => a.position - b.position).map(toStepView),
    tokens_used: e.tokens_used,
    duration_ms: e.duration_ms,
    summary: e.summary,
    metadata: e.metadata,
    callback_url: e.callback_url,
    retry_of: e.retry_of,
    created_at: e.created_at,
    started_at: e.started_at,
    finished_at: e.finished_at,
  };
}

export function toSummaryView(e: ExecutionRecord): ExecutionSummaryView {
  return {
    id: e.id,
    agent_id: e.agent_id,
    agent_version: e.agent_version,
    status: e.status,
    trigger_type: e.trigger_type,
    trigger_id: e.trigger_id,
    error: e.error ?? null,
    tokens_used: e.tokens_used,
    duration_ms: e.duration_ms,
    summary: e.summary,
    retry_of: e.retry_of,
    created_at: e.created_at,
    started_at: e.started_at,
    finished_at: e.finished_at,
  };
}

/** Data of `agentry.executions.*`: what the webhooks service turns into outbound deliveries. */
export function toEventData(e: ExecutionRecord, extra: Partial<ExecutionEventData> = {}): ExecutionEventData {
  const terminal = e.status === 'succeeded' || e.status === 'failed' || e.status === 'cancelled' || e.status === 'timed_out';
  return {
    execution_id: e.id,
    agent_id: e.agent_id,
    agent_version: e.agent_version,
    status: e.status,
    trigger_type: e.trigger_type,
    trigger_id: e.trigger_id,
    callback_url: e.callback_url,
    retry_of: e.retry_of,
    summary: e.summary,
    ...(e.status === 'succeeded' ? { output: e.output ?? null } : {}),
    ...(e.error ? { error: e.error } : {}),
    tokens_used: e.tokens_used,
    ...(terminal ? { duration_ms: e.duration_ms } : {}),
    ...extra,
  };
}
