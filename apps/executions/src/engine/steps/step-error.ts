/** Error codes a step (and so a run) can end with. */
export const StepErrorCode = {
  STEP_FAILED: 'STEP_FAILED',
  STEP_TIMEOUT: 'STEP_TIMEOUT',
  EXPRESSION_ERROR: 'EXPRESSION_ERROR',
  HTTP_ERROR: 'HTTP_ERROR',
  HTTP_RESPONSE_TOO_LARGE: 'HTTP_RESPONSE_TOO_LARGE',
  OUTBOUND_ADDRESS_REFUSED: 'OUTBOUND_ADDRESS_REFUSED',
  INVALID_STEP_INPUT: 'INVALID_STEP_INPUT',
  INTEGRATION_NOT_CONNECTED: 'INTEGRATION_NOT_CONNECTED',
  APPROVAL_REJECTED: 'APPROVAL_REJECTED',
  APPROVAL_EXPIRED: 'APPROVAL_EXPIRED',
  UNSUPPORTED_STEP: 'UNSUPPORTED_STEP',
  CANCELLED: 'CANCELLED',
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
export type StepErrorCode = (typeof StepErrorCode)[keyof typeof StepErrorCode];

/** Codes that end a run as `timed_out` rather than `failed`. */
export const TIMEOUT_CODES: readonly string[] = [StepErrorCode.STEP_TIMEOUT, StepErrorCode.APPROVAL_EXPIRED];

export interface StepErrorOptions {
  /** Another attempt may succeed (network trouble, 5xx, timeouts); the step's `retry` decides how many. */
  retryable?: boolean;
  /** What later steps see as `steps.<id>.output` when `on_error: continue` lets the run go on. */
  output?: unknown;
  /** Model tokens the failed attempt used before it failed: they count in the step's and the run's tokens_used. */
  tokensUsed?: number;
}

/** A step attempt that failed for a reason the definition's author should read. */
export class StepError extends Error {
  readonly retryable: boolean;
  readonly output: unknown;
  /** Set by AI steps when a failure comes after model calls (see StepErrorOptions.tokensUsed). */
  tokensUsed: number;

  constructor(
    readonly code: StepErrorCode,
    message: string,
    options: StepErrorOptions = {},
  ) {
    super(message);
    this.name = 'StepError';
    this.retryable = options.retryable ?? false;
    this.output = options.output ?? null;
    this.tokensUsed = options.tokensUsed ?? 0;
  }
}
