import { HttpFake, sendJson, startHttpFake } from './http-fake';

export interface FakeSlack extends HttpFake {
  /** The Web API base URL to put in a connection's `base_url`. */
  apiUrl: string;
  token: string;
  /** Messages posted with chat.postMessage. */
  messages: { channel: string; text: string; thread_ts?: string }[];
  /** While set, every method answers with this HTTP status (an outage). */
  failWith(status: number | null): void;
  /** While revoked, the token gets Slack's `token_revoked` (HTTP 200, `ok: false`) from every method, auth.test included. */
  revoke(revoked?: boolean): void;
}

/**
 * A fake Slack Web API: auth.test (so connections can be tested), chat.postMessage, conversations.list,
 * reactions.add. Slack's own conventions: HTTP 200 with `ok: false` and an error code.
 */
export async function startFakeSlack(token = `xoxb-1-2-${Math.random().toString(36).slice(2)}`): Promise<FakeSlack> {
  const messages: FakeSlack['messages'] = [];
  let outage: number | null = null;
  let revoked = false;
  let ts = 1_732_350_000;
  const fake = await startHttpFake((req, res) => {
    if (outage) return sendJson(res, outage, { ok: false, error: 'service_unavailable' });
    if (req.headers.authorization !== `Bearer ${token}`) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
    if (revoked) return sendJson(res, 200, { ok: false, error: 'token_revoked' });
    const method = req.path.replace(/^\/api\//, '');
    const body = (req.body ?? {}) as Record<string, string>;
    switch (method) {
      case 'auth.test':
        return sendJson(res, 200, { ok: true, team: 'Acme', user: 'agentry-bot', team_id: 'T1', user_id: 'U1', bot_id: 'B1' });
      case 'chat.postMessage': {
        if (!String(body.channel).match(/^(#sales|#general|C\w+)$/)) return sendJson(res, 200, { ok: false, error: 'channel_not_found' });
        messages.push({ channel: body.channel, text: body.text, ...(body.thread_ts ? { thread_ts: body.thread_ts } : {}) });
        return sendJson(res, 200, { ok: true, channel: 'C0SALES', ts: `${++ts}.000100`, message: { text: body.text } });
      }
      case 'conversations.list':
        return sendJson(res, 200, {
          ok: true,
          channels: [{ id: 'C0SALES', name: 'sales', is_member: true }],
          response_metadata: { next_cursor: '' },
        });
      case 'reactions.add':
        return sendJson(res, 200, { ok: true });
      default:
        return sendJson(res, 200, { ok: false, error: 'unknown_method' });
    }
  });
  return {
    ...fake,
    apiUrl: `${fake.url}/api`,
    token,
    messages,
    failWith: (status) => void (outage = status),
    revoke: (on = true) => void (revoked = on),
  };
}
