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
} as const;
export type StepErrorCode = (typeof StepErrorCode)[keyof typeof StepErrorCode];

/** Codes that end a run as `timed_out` rather than `failed`. */
export const TIMEOUT_CODES: readonly string[] = [StepErrorCode.STEP_TIMEOUT, StepErrorCode.APPROVAL_EXPIRED];

export interface StepErrorOptions {
  /** Another attempt may succeed (network trouble, 5xx, timeouts); the step's `retry` decides how many. */
  retryable?: boolean;
  /** What later steps see as `steps.<id>.output` when `on_error: continue` lets the run go on. */
  output?: unknown;
}

/** A step attempt that failed for a reason the definition's author should read. */
export class StepError extends Error {
  readonly retryable: boolean;
  readonly output: unknown;

  constructor(
    readonly code: StepErrorCode,
    message: string,
    options: StepErrorOptions = {},
  ) {
    super(message);
    this.name = 'StepError';
    this.retryable = options.retryable ?? false;
    this.output = options.output ?? null;
  }
}
