export type ProviderErrorKind =
  'auth' | 'rate_limited' | 'unavailable' | 'bad_request' | 'timeout' | 'network' | 'blocked' | 'invalid_response' | 'aborted';

/** A provider call that failed; `retryable` says another attempt later may work (after `attempts` tries here). */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly options: { status?: number; retryable?: boolean; attempts?: number } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  get status(): number | undefined {
    return this.options.status;
  }

  get retryable(): boolean {
    return this.options.retryable ?? false;
  }

  get attempts(): number {
    return this.options.attempts ?? 1;
  }
}
