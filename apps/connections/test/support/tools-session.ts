import { ApiResponse, expectStatus, TestSession } from '@agentry/testing';

/** Creates a connection and tests it, so it is `active` and its tools are callable. */
export async function activeConnection(
  session: TestSession,
  platform: string,
  config: Record<string, unknown>,
  name = `${platform} tools`,
) {
  const res = expectStatus(
    await session.admin.post('/v1/connections', { platform, name, config, test: true }),
    201,
    `POST /v1/connections (${platform})`,
  );
  if (res.body.status !== 'active') throw new Error(`${platform} connection is ${res.body.status}: ${res.body.error_message}`);
  return res.body as { id: string; name: string };
}

export interface SseEvent {
  event: string;
  data: any;
}

/** POSTs and reads a Server-Sent Events answer to its end (or the JSON error when it is not a stream). */
export async function postSse(baseUrl: string, key: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(new URL(path, baseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const events: SseEvent[] = [];
  if (type.startsWith('text/event-stream')) {
    for (const block of text.split('\n\n')) {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  return {
    status: res.status,
    type,
    headers: Object.fromEntries(res.headers),
    events,
    json: type.includes('json') ? JSON.parse(text) : undefined,
  };
}

export const errorOf = (res: ApiResponse) =>
  res.body?.error as { code: string; message: string; details?: { field: string; reason: string }[] };
