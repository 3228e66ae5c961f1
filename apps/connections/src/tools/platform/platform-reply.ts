import type { OutboundResponse } from '@agentry/common';
import { errorDetail } from '../../platforms/schema-parts';
import { ToolResult } from '../tool';
import { ToolsError, unauthorizedFailure } from '../tools.errors';

/** The body as JSON when it is JSON, as text otherwise, null when empty. */
export function bodyOf(res: OutboundResponse): unknown {
  if (res.body.length === 0) return null;
  const parsed = res.json();
  return parsed === undefined ? res.text() : parsed;
}

/**
 * The usual reading of a platform's answer: 2xx is the output; 401 means the credentials are refused
 * (424, and the connection is marked failed); 429 and 5xx are an outage worth retrying; any other 4xx is the tool's own failure, returned
 * with `is_error` so the caller (often a model) can read it and try something else.
 */
export function platformReply(platform: string, res: OutboundResponse, rateLimited = res.status === 429): ToolResult {
  const detail = errorDetail(res);
  const suffix = detail ? `: ${detail}` : '';
  if (res.status >= 200 && res.status < 300) return { output: bodyOf(res) };
  if (res.status === 401)
    throw ToolsError.credentialsRefused(platform, `HTTP 401${suffix}`, unauthorizedFailure(res.headers['www-authenticate'], detail));
  if (rateLimited) throw ToolsError.upstream(`${platform} is rate limiting this connection (HTTP ${res.status})${suffix}`);
  if (res.status >= 500) throw ToolsError.upstream(`${platform} answered HTTP ${res.status}${suffix}`);
  return { output: { status: res.status, error: detail ?? bodyOf(res) }, isError: true };
}
