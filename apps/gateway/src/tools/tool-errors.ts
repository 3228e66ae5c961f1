import { ErrorCode } from '@agentry/contracts';
import { AppError } from '@agentry/common';

/** The SPEC's error envelope for an error that happens after an SSE stream has started (no status to set any more). */
export function toErrorBody(err: unknown, requestId: string) {
  const e = err instanceof AppError ? err : new AppError(ErrorCode.INTERNAL, 'Internal error');
  return {
    error: { code: e.code, message: e.message, ...(e.details?.length ? { details: e.details } : {}), request_id: requestId },
  };
}
