import { StepError, StepErrorCode, StepErrorOptions } from '../engine/steps/step-error';

/** The codes only the AI steps end with (they live in the engine's StepErrorCode, as every step's codes do). */
export const AiStepErrorCode = {
  LLM_PROVIDER_ERROR: StepErrorCode.LLM_PROVIDER_ERROR,
  LLM_OUTPUT_INVALID: StepErrorCode.LLM_OUTPUT_INVALID,
  MAX_TURNS_EXCEEDED: StepErrorCode.MAX_TURNS_EXCEEDED,
  TOKEN_BUDGET_EXCEEDED: StepErrorCode.TOKEN_BUDGET_EXCEEDED,
  TOOL_CALL_FAILED: StepErrorCode.TOOL_CALL_FAILED,
} as const;
export type AiStepErrorCode = (typeof AiStepErrorCode)[keyof typeof AiStepErrorCode];

export function aiStepError(code: StepErrorCode, message: string, options: StepErrorOptions = {}): StepError {
  return new StepError(code, message, options);
}

/** Rethrows a failure of an AI step with the tokens its model calls used so far, so the run counts them. */
export function withTokens(err: unknown, tokens: number): unknown {
  if (err instanceof StepError && tokens > err.tokensUsed) err.tokensUsed = tokens;
  return err;
}
