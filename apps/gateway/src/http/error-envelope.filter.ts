import { ERROR_HTTP_STATUS, ErrorCode, ErrorDetail } from '@agentry/contracts';
import { AppError, LOGGER } from '@agentry/common';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

interface Resolved {
  status: number;
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
}

const HTTP_STATUS_CODE: Record<number, ErrorCode> = {
  400: ErrorCode.INVALID_INPUT,
  401: ErrorCode.UNAUTHORIZED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  405: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** Fastify's own errors (body parsing, limits, media type) by their code. */
const FASTIFY_ERRORS: Record<string, Omit<Resolved, 'status'>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'Request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'Unsupported Content-Type; send application/json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: ErrorCode.INVALID_INPUT, message: 'Body is empty but Content-Type is application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: ErrorCode.INVALID_INPUT, message: 'Invalid Content-Length' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: ErrorCode.INVALID_INPUT, message: 'Malformed JSON body' },
};

export function resolveError(exception: unknown): Resolved {
  if (exception instanceof AppError) {
    return {
      status: ERROR_HTTP_STATUS[exception.code] ?? 500,
      code: exception.code,
      message: exception.message,
      details: exception.details,
    };
  }
  const fastifyCode = (exception as { code?: string })?.code;
  if (fastifyCode && FASTIFY_ERRORS[fastifyCode]) {
    const e = FASTIFY_ERRORS[fastifyCode];
    return { status: ERROR_HTTP_STATUS[e.code], ...e };
  }
  if (exception instanceof SyntaxError || (exception as { statusCode?: number; type?: string })?.statusCode === 400) {
    return { status: 400, code: ErrorCode.INVALID_INPUT, message: 'Malformed JSON body' };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = HTTP_STATUS_CODE[status] ?? (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_INPUT);
    const body = exception.getResponse() as { message?: unknown; details?: ErrorDetail[] } | string;
    const message = typeof body === 'string' ? body : typeof body.message === 'string' ? body.message : exception.message;
    const details = typeof body === 'object' ? body.details : undefined;
    if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message)) {
      return { status: 404, code, message: 'No such route' };
    }
    if (status === 405) return { status: 404, code, message: 'No such route' };
    // A framework 5xx says something about our insides, not about the request.
    if (status >= 500 && code !== ErrorCode.SERVICE_UNAVAILABLE) return { status, code, message: 'Internal error' };
    return { status, code, message, details };
  }
  return { status: 500, code: ErrorCode.INTERNAL, message: 'Internal error' };
}

const DAY_MS = 86_400_000;

/** What a 429 without its own Retry-After tells the client: the runs-per-day quota resets at 00:00 UTC (RunQuota's day). */
export function retryAfterSeconds(code: ErrorCode, now = Date.now()): number {
  if (code === ErrorCode.QUOTA_EXCEEDED) return Math.max(1, Math.ceil((DAY_MS - (now % DAY_MS)) / 1000));
  return 1;
}

/** Every error leaves the gateway in the SPEC envelope; a 500 is logged with the request id, never shown. */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const r = resolveError(exception);
    if (r.status >= 500 && r.code !== ErrorCode.SERVICE_UNAVAILABLE) {
      this.logger.error({ err: exception, request_id: request.id, method: request.method, url: request.url }, 'request failed');
    }
    if (r.status === 429 && !reply.getHeader('retry-after')) reply.header('Retry-After', String(retryAfterSeconds(r.code)));
    // A route that answers HTML (the approval-link page) has set its own Content-Type; the envelope is JSON.
    reply.header('Content-Type', 'application/json; charset=utf-8');
    void reply.status(r.status).send({
      error: { code: r.code, message: r.message, ...(r.details?.length ? { details: r.details } : {}), request_id: request.id },
    });
  }
}
