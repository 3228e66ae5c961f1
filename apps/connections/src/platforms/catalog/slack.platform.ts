import { joinUrl, Platform, TestOutcome } from '../platform';
import { configSchema, httpFailure, httpUrl, isSuccess, secretString } from '../schema-parts';

/** Slack answers 200 with `ok: false` and an error code; these codes mean the token is no good. */
const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'account_inactive', 'no_permission', 'ekm_access_denied']);
const EXPIRED_ERRORS = new Set(['token_expired']);

interface AuthTestReply {
  ok?: boolean;
  error?: string;
  team?: string;
  team_id?: string;
  user?: string;
  user_id?: string;
  bot_id?: string;
  url?: string;
}

export const slackPlatform: Platform = {
  id: 'slack',
  name: 'Slack',
  description: 'Post messages and read channels as a Slack app (bot token xoxb-…).',
  authType: 'bearer',
  configSchema: configSchema(
    'Slack bot',
    {
      bot_token: secretString('Bot User OAuth token (xoxb-…) or a user token (xoxp-…)', { pattern: '^xox[a-z]-\\S+$' }),
      base_url: httpUrl('Slack Web API base URL', 'https://slack.com/api'),
    },
    ['bot_token'],
  ),
  testEndpoint: 'POST {base_url}/auth.test',
  tools: [
    { name: 'slack.post_message', description: 'Post a message to a channel or a thread' },
    { name: 'slack.list_channels', description: 'List the channels the bot can see' },
    { name: 'slack.add_reaction', description: 'Add an emoji reaction to a message' },
    { name: 'slack.lookup_user_by_email', description: 'Find a Slack user by e-mail address' },
  ],
  async test(config, http): Promise<TestOutcome> {
    const res = await http(joinUrl(String(config.base_url), 'auth.test'), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${String(config.bot_token)}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: '',
    });
    if (!isSuccess(res)) return httpFailure('Slack', res);
    const reply = res.json<AuthTestReply>();
    if (!reply || typeof reply.ok !== 'boolean')
      return { ok: false, reason: 'unexpected', message: 'Slack auth.test did not answer with JSON' };
    if (reply.ok) {
      return {
        ok: true,
        identity: {
          team: reply.team,
          team_id: reply.team_id,
          user: reply.user,
          user_id: reply.user_id,
          bot_id: reply.bot_id,
          url: reply.url,
        },
      };
    }
    const code = String(reply.error ?? 'unknown_error').slice(0, 100);
    if (EXPIRED_ERRORS.has(code)) return { ok: false, reason: 'expired', message: `Slack refused the token: ${code}` };
    if (AUTH_ERRORS.has(code)) return { ok: false, reason: 'auth', message: `Slack refused the token: ${code}` };
    return { ok: false, reason: 'unexpected', message: `Slack auth.test failed: ${code}` };
  },
};
