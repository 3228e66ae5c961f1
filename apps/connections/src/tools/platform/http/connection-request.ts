import { AppError } from '@agentry/common';
import { joinUrl, JsonSchema } from '../../../platforms/platform';
import { objectSchema, ToolContext, ToolResult } from '../../tool';
import { errorDetail } from '../../../platforms/schema-parts';
import { ToolsError, unauthorizedFailure } from '../../tools.errors';
import { bodyOf } from '../platform-reply';

export const CONNECTION_REQUEST_SCHEMA: JsonSchema = objectSchema(
  {
    method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], default: 'GET' },
    path: { type: 'string', pattern: '^/', maxLength: 2048, description: "Relative to the connection's base_url, e.g. /v1/customers" },
    query: { type: 'object', maxProperties: 100, additionalProperties: { type: ['string', 'number', 'boolean'] } },
    body: { description: 'A string is sent as is; anything else as JSON' },
  },
  ['path'],
);

/** A request to the connection's own API (its base_url) with its credentials in `auth`. */
export async function connectionRequest(
  platform: string,
  args: Record<string, unknown>,
  ctx: ToolContext,
  auth: Record<string, string>,
): Promise<ToolResult> {
  const base = new URL(String(ctx.config.base_url)).href.replace(/\/+$/, '');
  const url = new URL(joinUrl(base, String(args.path)));
  // `path` may not climb out of the base URL (`/../admin`), or the connection's token would go elsewhere.
  if (!url.href.startsWith(base)) {
    throw AppError.invalid("path leaves the connection's base_url", [{ field: 'arguments.path', reason: 'must stay under base_url' }]);
  }
  for (const [k, v] of Object.entries((args.query as Record<string, unknown>) ?? {})) url.searchParams.set(k, String(v));
  const method = (args.method as 'GET' | undefined) ?? 'GET';
  const hasBody = args.body !== undefined && args.body !== null && method !== 'GET';
  const res = await ctx.http(url.toString(), {
    method,
    headers: { accept: 'application/json', ...auth },
    ...(hasBody ? (typeof args.body === 'string' ? { body: args.body } : { json: args.body }) : {}),
  });
  if (res.status === 401)
    throw ToolsError.credentialsRefused(platform, 'HTTP 401', unauthorizedFailure(res.headers['www-authenticate'], errorDetail(res)));
  return { output: { status: res.status, headers: res.headers, body: bodyOf(res) }, isError: res.status >= 400 };
}
