import { AppError, OutboundError } from '@agentry/common';
import { objectSchema, ToolDefinition } from '../tool';
import { bodyOf } from '../platform/platform-reply';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/**
 * `http.request`: one HTTP call to any public URL (the outbound guard refuses private addresses unless
 * the operator allows them). Any status is output; 4xx and 5xx are flagged `is_error` for the caller.
 */
export const httpRequestTool: ToolDefinition = {
  name: 'http.request',
  description:
    'Send an HTTP request to a public URL and return { status, headers, body } (JSON bodies parsed). Redirects are not followed.',
  inputSchema: objectSchema(
    {
      method: { type: 'string', enum: [...METHODS], default: 'GET' },
      url: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 4096 },
      headers: {
        type: 'object',
        maxProperties: 50,
        propertyNames: { pattern: '^[A-Za-z0-9-]{1,100}$' },
        additionalProperties: { type: 'string', maxLength: 8192, pattern: '^[^\\r\\n]*$' },
      },
      query: { type: 'object', maxProperties: 100, additionalProperties: { type: ['string', 'number', 'boolean'] } },
      body: { description: 'A string is sent as is; anything else as JSON' },
    },
    ['url'],
  ),
  async execute(args, ctx) {
    const method = (args.method as (typeof METHODS)[number] | undefined) ?? 'GET';
    const url = new URL(String(args.url));
    for (const [k, v] of Object.entries((args.query as Record<string, unknown>) ?? {})) url.searchParams.set(k, String(v));
    const headers = Object.fromEntries(
      Object.entries((args.headers as Record<string, string>) ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const hasBody = args.body !== undefined && args.body !== null && method !== 'GET' && method !== 'HEAD';
    try {
      const res = await ctx.http(url.toString(), {
        method,
        headers,
        ...(hasBody ? (typeof args.body === 'string' ? { body: args.body } : { json: args.body }) : {}),
      });
      return { output: { status: res.status, headers: res.headers, body: bodyOf(res) }, isError: res.status >= 400 };
    } catch (err) {
      // A refused address or a malformed URL is the caller's input, not an outage.
      if (err instanceof OutboundError && (err.kind === 'blocked' || err.kind === 'invalid_url')) {
        throw AppError.invalid(err.message, [{ field: 'arguments.url', reason: err.message }]);
      }
      throw err;
    }
  },
};
