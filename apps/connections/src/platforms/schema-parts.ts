import type { OutboundResponse } from '@agentry/common';
import type { JsonSchema, TestOutcome } from './platform';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** A secret string: encrypted at rest, shown masked, never echoed. No whitespace, so it cannot split a header. */
export function secretString(description: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'string', minLength: 1, maxLength: 4096, pattern: '^\\S+$', 'x-secret': true, writeOnly: true, description, ...extra };
}

/** A password: secret, and fully hidden when shown (no last four characters). */
export function secretPassword(description: string): JsonSchema {
  return {
    type: 'string',
    minLength: 1,
    maxLength: 1024,
    pattern: '^[^\\r\\n]*$',
    'x-secret': true,
    'x-mask': 'hidden',
    writeOnly: true,
    description,
  };
}

/** An http(s) base URL with a default, so tests and self-hosted setups can point it elsewhere. */
export function httpUrl(description: string, defaultUrl?: string): JsonSchema {
  return {
    type: 'string',
    format: 'uri',
    pattern: '^https?://',
    maxLength: 2048,
    description,
    ...(defaultUrl ? { default: defaultUrl } : {}),
  };
}

export function plainString(description: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'string', minLength: 1, maxLength: 500, description, ...extra };
}

export function configSchema(title: string, properties: Record<string, JsonSchema>, required: string[]): JsonSchema {
  return { $schema: JSON_SCHEMA_DIALECT, title, type: 'object', additionalProperties: false, required, properties };
}

const EXPIRED = /expired/i;

/** A short, human reason from an error body: `error.message`, `message`, `error` or `error_description`. */
export function errorDetail(res: OutboundResponse): string | undefined {
  const body = res.json<Record<string, unknown>>();
  if (!body || typeof body !== 'object') return undefined;
  const nested = body.error as Record<string, unknown> | string | undefined;
  const candidates = [typeof nested === 'object' ? nested?.message : nested, body.message, body.error_description, body.detail];
  const found = candidates.find((c): c is string => typeof c === 'string' && c.length > 0);
  return found?.slice(0, 200);
}

/**
 * The common reading of an HTTP answer: 2xx is for the caller, 401/403 refuse the credentials (as
 * `expired` when the platform says so, RFC 6750 style), anything else is unexpected.
 */
export function httpFailure(platform: string, res: OutboundResponse): TestOutcome & { ok: false } {
  const detail = errorDetail(res);
  const suffix = detail ? `: ${detail}` : '';
  if (res.status === 401 || res.status === 403) {
    const expired = EXPIRED.test(res.headers['www-authenticate'] ?? '') || EXPIRED.test(detail ?? '');
    return {
      ok: false,
      reason: expired ? 'expired' : 'auth',
      message: `${platform} refused the credentials (HTTP ${res.status}${expired ? ', expired' : ''})${suffix}`,
    };
  }
  if (res.status === 429)
    return { ok: false, reason: 'unexpected', message: `${platform} is rate limiting these credentials (HTTP 429)${suffix}` };
  return { ok: false, reason: 'unexpected', message: `${platform} answered HTTP ${res.status}${suffix}` };
}

export function isSuccess(res: OutboundResponse): boolean {
  return res.status >= 200 && res.status < 300;
}
