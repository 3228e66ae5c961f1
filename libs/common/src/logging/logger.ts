import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { RequestContext } from './request-context';

/** Fields whose values never reach a log line. */
export const REDACT_PATHS = [
  'password',
  'secret',
  'token',
  'api_key',
  'authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.api_key',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'config',
  '*.config',
];

const CENSOR = '[redacted]';
const MAX_DEPTH = 16;
/**
 * Secret-looking keys at any depth (pino's path redaction only reaches fixed depths): `*_token`, `*_secret`,
 * `*_password`, `api_key`/`x-api-key`/`apiKey`, `authorization`, cookies, a bare `key`, a connection `config`,
 * and TypeORM's query `parameters`. `tokens_used` or `max_tokens` are counts, not secrets, and stay.
 */
const SECRET_KEY =
  /(?:^|_)(?:password|passwd|secret|token|api_?key|authorization|cookie|credentials?|private_?key)$|^(?:key|config|parameters)$/;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(
    key
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/-/g, '_')
      .toLowerCase(),
  );
}

/** A copy of `value` with every secret-looking key's value replaced, at any depth; errors are serialized first. */
export function redactSecrets(value: unknown): unknown {
  return redactWalk(value, 0, new Set());
}

function redactWalk(value: unknown, depth: number, ancestors: Set<object>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date || Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return value;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Object]';
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redactWalk(v, depth + 1, ancestors));
    const source: object =
      value instanceof Error
        ? pino.stdSerializers.err(value)
        : typeof (value as { toJSON?: unknown }).toJSON === 'function'
          ? ((value as { toJSON: () => object }).toJSON() ?? {})
          : value;
    if (typeof source !== 'object' || source === null) return source;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(source)) out[k] = isSecretKey(k) ? CENSOR : redactWalk(v, depth + 1, ancestors);
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/** `destination`: where the JSON lines go (stdout by default; tests capture them). */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    // `err` goes through pino's serializer (type, message, stack) and then the same deep redaction.
    serializers: { err: (err: unknown) => redactSecrets(err) },
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(object)) out[k] = k === 'err' ? v : isSecretKey(k) ? CENSOR : redactSecrets(v);
        return out;
      },
    },
    mixin() {
      const ctx = RequestContext.get();
      return ctx ? { request_id: ctx.request_id, ...(ctx.workspace_id ? { workspace_id: ctx.workspace_id } : {}) } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's logger interface over pino, so framework messages are JSON with the request id too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, ...(trace ? { stack: trace } : {}) }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace', message: unknown, context?: string): void {
    if (typeof message === 'object' && message !== null) this.logger[level]({ context, ...message });
    else this.logger[level]({ context }, String(message));
  }
}
