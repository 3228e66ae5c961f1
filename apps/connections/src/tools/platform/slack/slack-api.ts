import { joinUrl } from '../../../platforms/platform';
import { ToolContext, ToolResult } from '../../tool';
import { ToolsError } from '../../tools.errors';
import { platformReply } from '../platform-reply';

/** Error codes that mean the token is no good (Slack answers them with HTTP 200 and `ok: false`). */
const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'ekm_access_denied']);

/**
 * One Slack Web API method: JSON body for writes, query string for reads (as Slack documents each).
 * `ok: false` is the tool's failure (`channel_not_found`…), except auth codes (424) and `ratelimited`.
 */
export async function slackCall(ctx: ToolContext, method: string, params: Record<string, unknown>, read = false): Promise<ToolResult> {
  const headers = { authorization: `Bearer ${String(ctx.config.bot_token)}`, accept: 'application/json' };
  let url = joinUrl(String(ctx.config.base_url), method);
  if (read) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) query.set(k, String(v));
    const qs = query.toString();
    if (qs) url += `?${qs}`;
  }
  const res = await ctx.http(url, read ? { headers } : { method: 'POST', headers, json: params });
  const reply = platformReply('Slack', res);
  const body = reply.output as { ok?: boolean; error?: string } | null;
  if (!body || typeof body !== 'object' || typeof body.ok !== 'boolean')
    throw ToolsError.upstream(`Slack ${method} did not answer with JSON`);
  if (body.ok) return { output: body };
  const code = String(body.error ?? 'unknown_error').slice(0, 100);
  if (AUTH_ERRORS.has(code)) throw ToolsError.credentialsRefused('Slack', code, code === 'token_expired' ? 'expired' : 'auth');
  if (code === 'ratelimited') throw ToolsError.upstream('Slack is rate limiting this connection (ratelimited)');
  return { output: { ok: false, error: code }, isError: true };
}
