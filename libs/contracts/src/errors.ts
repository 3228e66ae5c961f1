/** Stable error codes shared by every service. The gateway maps them to HTTP statuses in one table. */
export const ErrorCode = {
  INVALID_INPUT: 'INVALID_INPUT',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  AGENT_PAUSED: 'AGENT_PAUSED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A plan quota (runs per day) is used up until the quota resets. */
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  INTEGRATION_NOT_CONNECTED: 'INTEGRATION_NOT_CONNECTED',
  EXECUTION_FAILED: 'EXECUTION_FAILED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status of each code; the only place this mapping lives. */
export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  AGENT_PAUSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  INTEGRATION_NOT_CONNECTED: 424,
  EXECUTION_FAILED: 500,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export interface ErrorDetail {
  field: string;
  reason: string;
}

/** What an error looks like when it crosses NATS: `{ code, message, details }`. */
export interface RpcErrorPayload {
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
}

export function isRpcErrorPayload(value: unknown): value is RpcErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && v.code in ERROR_HTTP_STATUS && typeof v.message === 'string';
}
