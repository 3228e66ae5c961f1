import type { AgentDefinitionDto, ErrorDetail, StepType } from '@agentry/contracts';
import type { CompiledStepInfo, StepRunner } from '../steps/step-runner';
import { CompiledExpression, compileExpression, ExpressionError } from './expression';
import { compileInputSchema } from './input-validator';
import { compileValue, Resolver } from './with-resolver';

export interface RetryPolicy {
  maxAttempts: number;
  backoffMs: number;
  factor: number;
}

export interface CompiledStep extends CompiledStepInfo {
  condition: CompiledExpression | null;
  resolveWith: Resolver;
  retry: RetryPolicy;
  onError: 'fail' | 'continue';
  runner: StepRunner | null;
  /** A definition problem found at compile time; running the step fails with it. */
  problem: ExpressionError | null;
}

export interface CompiledDefinition {
  agentId: string;
  version: number;
  steps: CompiledStep[];
  output: CompiledExpression | null;
  outputProblem: ExpressionError | null;
  checkInput(input: unknown): ErrorDetail[];
}

const NO_RETRY: RetryPolicy = { maxAttempts: 1, backoffMs: 1_000, factor: 2 };

export type RunnerLookup = (type: StepType) => StepRunner | undefined;

/**
 * Compiles a definition once per (agent, version): JSONata expressions, `{{ }}` templates, the input
 * schema, and each runner's own preparation. Problems do not throw here (the agents service validated
 * the definition); they are kept and surface as the failing step's error.
 */
export function compileDefinition(
  agentId: string,
  version: number,
  definition: AgentDefinitionDto,
  runners: RunnerLookup,
): CompiledDefinition {
  const steps = definition.steps.map((s, position): CompiledStep => {
    const where = `definition.steps[${position}]`;
    const runner = runners(s.type) ?? null;
    const base: CompiledStep = {
      position,
      id: s.id,
      type: s.type,
      rawWith: s.with ?? {},
      timeoutMs: s.timeout_ms ?? null,
      prepared: undefined,
      condition: null,
      resolveWith: { constant: true, value: {}, resolve: async () => ({}) },
      retry: s.retry
        ? {
            maxAttempts: s.retry.max_attempts,
            backoffMs: s.retry.backoff_ms ?? NO_RETRY.backoffMs,
            factor: s.retry.factor ?? NO_RETRY.factor,
          }
        : NO_RETRY,
      onError: s.on_error ?? 'fail',
      runner,
      problem: null,
    };
    try {
      base.condition = s.if ? compileExpression(s.if, `${where}.if`) : null;
      base.resolveWith = compileValue(base.rawWith, `${where}.with`, runner?.rawWithFields ?? []);
      base.prepared = runner?.prepare?.(base.rawWith, `${where}.with`);
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      base.problem = err;
    }
    return base;
  });
  let output: CompiledExpression | null = null;
  let outputProblem: ExpressionError | null = null;
  try {
    output = definition.output ? compileExpression(definition.output, 'definition.output') : null;
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    outputProblem = err;
  }
  return { agentId, version, steps, output, outputProblem, checkInput: compileInputSchema(definition.input_schema) };
}

/** Wait before attempt `attempt + 1` after attempt `attempt` failed: backoff_ms × factor^(attempt − 1). */
export function backoffDelay(retry: RetryPolicy, attempt: number): number {
  return Math.round(retry.backoffMs * Math.pow(retry.factor, Math.max(0, attempt - 1)));
}
