import { StepError, StepErrorCode, StepErrorOptions } from '../engine/steps/step-error';

/** Codes of the AI steps, beside the engine's StepErrorCode (same string space: runs end with them). */
export const AiStepErrorCode = {
  /** The model provider failed: outage, rate limit, timeout (retryable), or refused the request. */
  LLM_PROVIDER_ERROR: 'LLM_PROVIDER_ERROR',
  /** The answer did not match `response_schema`, even after one retry with the validation errors. */
  LLM_OUTPUT_INVALID: 'LLM_OUTPUT_INVALID',
  /** The agent still wanted tools after `max_turns` model calls. */
  MAX_TURNS_EXCEEDED: 'MAX_TURNS_EXCEEDED',
  /** The run used up the agent's `max_tokens_per_run`. */
  TOKEN_BUDGET_EXCEEDED: 'TOKEN_BUDGET_EXCEEDED',
  /** A `tool` step's tool ran and reported a failure, or its platform was down. */
  TOOL_CALL_FAILED: 'TOOL_CALL_FAILED',
} as const;
export type AiStepErrorCode = (typeof AiStepErrorCode)[keyof typeof AiStepErrorCode];

export function aiStepError(code: AiStepErrorCode | StepErrorCode, message: string, options: StepErrorOptions = {}): StepError {
  return new StepError(code as StepErrorCode, message, options);
}
