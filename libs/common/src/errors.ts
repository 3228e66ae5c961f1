import { ErrorCode, ErrorDetail, RpcErrorPayload, isRpcErrorPayload } from '@agentry/contracts';

/** A domain error with a stable code. Services throw these; the gateway turns them into HTTP. */
export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static notFound(what: string, id?: string): AppError {
    return new AppError(ErrorCode.NOT_FOUND, id ? `${what} ${id} not found` : `${what} not found`);
  }

  static invalid(message: string, details?: ErrorDetail[]): AppError {
    return new AppError(ErrorCode.INVALID_INPUT, message, details);
  }

  static conflict(message: string, details?: ErrorDetail[]): AppError {
    return new AppError(ErrorCode.CONFLICT, message, details);
  }

  toPayload(): RpcErrorPayload {
    return { code: this.code, message: this.message, ...(this.details?.length ? { details: this.details } : {}) };
  }

  static fromPayload(payload: unknown): AppError {
    if (isRpcErrorPayload(payload)) return new AppError(payload.code, payload.message, payload.details);
    return new AppError(ErrorCode.INTERNAL, 'Internal error');
  }
}

/** Postgres unique violation, used to turn races on unique keys into 409s. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.code ?? e?.driverError?.code;
  const name = e?.constraint ?? e?.driverError?.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}
