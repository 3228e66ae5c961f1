import type { ExecutionStatus, LogLevel, TriggerType } from '@agentry/contracts';

export interface ErrorInfo {
  code: string;
  message: string;
  step_id?: string;
}

export type StepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export interface StepAttempt {
  attempt: number;
  status: 'succeeded' | 'failed' | 'cancelled';
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  error?: ErrorInfo;
}

/** One row of execution_steps, as stored (times as ISO strings). */
export interface StepRecord {
  position: number;
  step_id: string;
  type: string;
  status: StepStatus;
  output: unknown;
  error: ErrorInfo | null;
  attempts: StepAttempt[];
  state: Record<string, unknown> | null;
  tokens_used: number;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

/** One row of executions, as stored. */
export interface ExecutionRecord {
  id: string;
  workspace_id: string;
  agent_id: string;
  agent_version: number;
  status: ExecutionStatus;
  trigger_type: TriggerType;
  trigger_id: string | null;
  input: Record<string, unknown>;
  output: unknown;
  error: ErrorInfo | null;
  metadata: Record<string, unknown>;
  callback_url: string | null;
  retry_of: string | null;
  summary: string | null;
  tokens_used: number;
  cancel_requested: boolean;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  seq: number;
}

export interface LogLine {
  at: string;
  level: LogLevel;
  step_id: string | null;
  message: string;
  data: Record<string, unknown> | null;
}

export interface OutboxRow {
  id: string;
  subject: string;
  payload: unknown;
}

export interface ApprovalInsert {
  id: string;
  workspace_id: string;
  agent_id: string;
  step_id: string;
  position: number;
  message: string;
  approvals_required: number;
  expires_at: string | null;
}

export const TERMINAL: readonly ExecutionStatus[] = ['succeeded', 'failed', 'cancelled', 'timed_out'];
export const STEP_DONE: readonly StepStatus[] = ['succeeded', 'failed', 'skipped', 'cancelled'];

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));

/** A pg row of executions → record (Dates become ISO strings). */
export function executionFromRow(r: Record<string, unknown>): ExecutionRecord {
  return {
    id: r.id as string,
    workspace_id: r.workspace_id as string,
    agent_id: r.agent_id as string,
    agent_version: r.agent_version as number,
    status: r.status as ExecutionStatus,
    trigger_type: r.trigger_type as TriggerType,
    trigger_id: (r.trigger_id as string | null) ?? null,
    input: (r.input as Record<string, unknown>) ?? {},
    output: r.output ?? null,
    error: (r.error as ErrorInfo | null) ?? null,
    metadata: (r.metadata as Record<string, unknown>) ?? {},
    callback_url: (r.callback_url as string | null) ?? null,
    retry_of: (r.retry_of as string | null) ?? null,
    summary: (r.summary as string | null) ?? null,
    tokens_used: (r.tokens_used as number) ?? 0,
    cancel_requested: Boolean(r.cancel_requested),
    created_at: iso(r.created_at)!,
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
    duration_ms: (r.duration_ms as number | null) ?? null,
    seq: (r.seq as number) ?? 0,
  };
}

export function stepFromRow(r: Record<string, unknown>): StepRecord {
  return {
    position: r.position as number,
    step_id: r.step_id as string,
    type: r.type as string,
    status: r.status as StepStatus,
    output: r.output ?? null,
    error: (r.error as ErrorInfo | null) ?? null,
    attempts: (r.attempts as StepAttempt[]) ?? [],
    state: (r.state as Record<string, unknown> | null) ?? null,
    tokens_used: (r.tokens_used as number) ?? 0,
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
    duration_ms: (r.duration_ms as number | null) ?? null,
  };
}
