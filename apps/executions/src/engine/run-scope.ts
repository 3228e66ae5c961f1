import type { EvalScope } from './definition/expression';
import { ExecutionRecord, StepRecord } from './run-record';

/** `{ input, steps, run }` for a run's expressions, from the steps recorded so far. */
export function buildScope(exe: ExecutionRecord, steps: Iterable<StepRecord>): EvalScope {
  const scope: EvalScope = {
    input: exe.input,
    steps: {},
    run: {
      id: exe.id,
      agent_id: exe.agent_id,
      agent_version: exe.agent_version,
      workspace_id: exe.workspace_id,
      trigger: { type: exe.trigger_type, id: exe.trigger_id },
      metadata: exe.metadata,
      retry_of: exe.retry_of,
      created_at: exe.created_at,
      started_at: exe.started_at,
    },
  };
  for (const s of steps) recordInScope(scope, s);
  return scope;
}

export function recordInScope(scope: EvalScope, s: StepRecord): void {
  if (s.status === 'succeeded' || s.status === 'failed' || s.status === 'skipped') {
    scope.steps[s.step_id] = { output: s.status === 'skipped' ? null : (s.output ?? null), status: s.status };
  }
}

/** JSONata's boolean cast ($boolean), so `if` reads like the language it is written in. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (Array.isArray(value)) return value.some(truthy);
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return false;
}
