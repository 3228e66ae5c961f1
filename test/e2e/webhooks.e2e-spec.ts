import { sharedStack, StackInfo, TestSession } from '@agentry/testing';

const PUBLIC_URL = 'https://93.184.215.14/hooks/agentry';
const MISSING_ENDPOINT = 'whe_01JD5Z4Q9X7N3B2V1C0M8K6H4G';
const MISSING_DELIVERY = 'del_01JD5Z4Q9X7N3B2V1C0M8K6H4G';

/** `{ field: reason }` of a 400, for compact assertions. */
function fields(res: { status: number; body: any }): Record<string, string> {
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('INVALID_INPUT');
  return Object.fromEntries(res.body.error.details.map((d: { field: string; reason: string }) => [d.field, d.reason]));
}

describe('webhook endpoints API (HTTP, real services)', () => {
  let stack: StackInfo;
  let session: TestSession;
  let endpointId: string;

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
    const res = await session.post('/v1/webhook-endpoints', {
      url: PUBLIC_URL,
      event_types: ['agent.execution.success'],
      description: 'CRM',
    });
    expect(res.status).toBe(201);
    endpointId = res.body.id;
  });

  it('creates, reads, lists, updates, disables, enables and deletes an endpoint; the secret shows only where asked', async () => {
    const created = await session.post('/v1/webhook-endpoints', {
      url: PUBLIC_URL,
      event_types: ['*', 'schedule.fired'],
      agent_ids: ['agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G'],
      rate_limit_per_second: 5,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^whe_[0-9A-Z]{26}$/),
      url: PUBLIC_URL,
      event_types: ['*'],
      agent_ids: ['agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G'],
      status: 'enabled',
      rate_limit_per_second: 5,
      secret: expect.stringMatching(/^whsec_/),
    });
    const id = created.body.id;
    const got = await session.get(`/v1/webhook-endpoints/${id}`);
    expect(got.body).not.toHaveProperty('secret');
    expect(got.body).toEqual(Object.fromEntries(Object.entries(created.body).filter(([k]) => k !== 'secret')));
    expect((await session.get(`/v1/webhook-endpoints/${id}/secret`)).body).toEqual({
      secret: created.body.secret,
      previous_secret: null,
      previous_secret_expires_at: null,
    });
    const listed = await session.get('/v1/webhook-endpoints', { query: { limit: 1 } });
    expect(listed.body.data.map((e: { id: string }) => e.id)).toEqual([id]);
    expect(listed.body.next_cursor).toEqual(expect.any(String));
    const next = await session.get('/v1/webhook-endpoints', { query: { limit: 1, cursor: listed.body.next_cursor } });
    expect(next.body.data.map((e: { id: string }) => e.id)).toEqual([endpointId]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);

    const patched = await session.patch(`/v1/webhook-endpoints/${id}`, {
      description: null,
      rate_limit_per_second: null,
      event_types: ['integration.disconnected'],
    });
    expect(patched.body).toMatchObject({ description: null, rate_limit_per_second: null, event_types: ['integration.disconnected'] });
    const off = await session.patch(`/v1/webhook-endpoints/${id}`, { status: 'disabled', disabled_reason: 'migrating' });
    expect(off.body).toMatchObject({ status: 'disabled', disabled_reason: 'migrating', disabled_at: expect.any(String) });
    expect(
      (await session.get('/v1/webhook-endpoints', { query: { status: 'disabled' } })).body.data.map((e: { id: string }) => e.id),
    ).toEqual([id]);
    const test = await session.post(`/v1/webhook-endpoints/${id}/test`, {});
    expect(test.status).toBe(409);
    expect((await session.post(`/v1/webhook-endpoints/${id}/recover`, { since: '2026-01-01T00:00:00Z' })).status).toBe(409);
    const on = await session.patch(`/v1/webhook-endpoints/${id}`, { status: 'enabled' });
    expect(on.body).toMatchObject({ status: 'enabled', disabled_reason: null, disabled_at: null, failing_since: null });

    expect((await session.delete(`/v1/webhook-endpoints/${id}`)).body).toEqual({ id, deleted: true });
    expect((await session.get(`/v1/webhook-endpoints/${id}`)).status).toBe(404);
  });

  it('lists the event types with examples', async () => {
    const res = await session.get('/v1/event-types');
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: { name: string }) => t.name)).toEqual([
      'agent.execution.success',
      'agent.execution.failed',
      'agent.execution.waiting',
      'agent.execution.cancelled',
      'schedule.fired',
      'integration.disconnected',
      'webhook.endpoint.disabled',
    ]);
    for (const t of res.body.data) expect(t.example.event).toBe(t.name);
  });

  it('shows and rotates the run-callback secret', async () => {
    const first = await session.get('/v1/webhook-callback-secret');
    expect(first.body.secret).toMatch(/^whsec_/);
    expect((await session.get('/v1/webhook-callback-secret')).body.secret).toBe(first.body.secret);
    const rotated = await session.post('/v1/webhook-callback-secret/rotate', {});
    expect(rotated.body).toMatchObject({ previous_secret: first.body.secret, secret: expect.not.stringMatching(first.body.secret) });
  });

  it('rejects bad bodies of create with a detail per field', async () => {
    expect(fields(await session.post('/v1/webhook-endpoints', {}))).toEqual({ url: 'required', event_types: 'required' });
    const bad = fields(
      await session.post('/v1/webhook-endpoints', {
        url: 'ftp://example.com/x',
        event_types: ['agent.execution.exploded'],
        agent_ids: ['not-an-agent'],
        rate_limit_per_second: 0,
        secret: 'hunter2',
        description: 'x'.repeat(501),
        colour: 'red',
      }),
    );
    expect(Object.keys(bad).sort()).toEqual([
      'agent_ids',
      'colour',
      'description',
      'event_types',
      'rate_limit_per_second',
      'secret',
      'url',
    ]);
    expect(bad.colour).toBe('unknown field');
    expect(fields(await session.post('/v1/webhook-endpoints', { url: PUBLIC_URL, event_types: [] }))).toHaveProperty('event_types');
    expect(fields(await session.post('/v1/webhook-endpoints', { url: 'https://user:pw@93.184.215.14/x', event_types: ['*'] }))).toEqual({
      url: expect.stringMatching(/credentials/),
    });
    expect(fields(await session.post('/v1/webhook-endpoints', { url: 42, event_types: '*' }))).toMatchObject({
      url: expect.any(String),
      event_types: expect.any(String),
    });
    const notObject = await session.post('/v1/webhook-endpoints', undefined, {
      raw: '[1,2]',
      headers: { 'content-type': 'application/json' },
    });
    expect(notObject.status).toBe(400);
    const malformed = await session.post('/v1/webhook-endpoints', undefined, {
      raw: '{"url":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
  });

  it('rejects bad bodies and queries of every other route', async () => {
    const ep = `/v1/webhook-endpoints/${endpointId}`;
    expect(fields(await session.patch(ep, { url: null, event_types: null, status: 'paused', agent_ids: 'x' }))).toMatchObject({
      url: expect.any(String),
      event_types: expect.any(String),
      status: expect.any(String),
      agent_ids: expect.any(String),
    });
    expect(fields(await session.patch(ep, { disabled_reason: 'why' }))).toEqual({ disabled_reason: 'only allowed with status "disabled"' });
    expect(fields(await session.patch(ep, { id: 'whe_x' }))).toEqual({ id: 'unknown field' });
    expect(fields(await session.post(`${ep}/rotate-secret`, { secret: 'whsec_short' }))).toHaveProperty('secret');
    expect(fields(await session.post(`${ep}/test`, { event_type: 'nope', data: 'x' }))).toMatchObject({
      event_type: expect.any(String),
      data: expect.any(String),
    });
    expect(fields(await session.post(`${ep}/recover`, {}))).toEqual({ since: 'required' });
    expect(fields(await session.post(`${ep}/recover`, { since: 'yesterday' }))).toHaveProperty('since');
    expect(fields(await session.post(`${ep}/recover`, { since: new Date(Date.now() + 3600_000).toISOString() }))).toEqual({
      since: 'must not be in the future',
    });
    expect(fields(await session.post(`${ep}/recover`, { since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }))).toEqual({
      until: 'must be after since',
    });
    expect(fields(await session.get(`${ep}/deliveries`, { query: { status: 'lost', limit: 0 } }))).toMatchObject({
      status: expect.any(String),
      limit: expect.any(String),
    });
    expect(fields(await session.get(`${ep}/deliveries`, { query: { cursor: 'garbage' } }))).toEqual({
      cursor: 'is not a cursor returned by this list',
    });
    expect(fields(await session.get('/v1/webhook-endpoints', { query: { status: 'gone', limit: 101 } }))).toMatchObject({
      status: expect.any(String),
      limit: expect.any(String),
    });
    expect(fields(await session.post('/v1/webhook-callback-secret/rotate', { secret: 42 }))).toHaveProperty('secret');
  });

  it("answers 404 for unknown or malformed ids, and for another workspace's resources", async () => {
    for (const path of [
      `/v1/webhook-endpoints/${MISSING_ENDPOINT}`,
      `/v1/webhook-endpoints/${MISSING_ENDPOINT}/secret`,
      `/v1/webhook-endpoints/${MISSING_ENDPOINT}/deliveries`,
      '/v1/webhook-endpoints/not%20an%20id',
      `/v1/deliveries/${MISSING_DELIVERY}`,
      '/v1/deliveries/whe_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
    ]) {
      const res = await session.get(path);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 404, code: 'NOT_FOUND' });
    }
    for (const path of [
      `/v1/webhook-endpoints/${MISSING_ENDPOINT}/test`,
      `/v1/webhook-endpoints/${MISSING_ENDPOINT}/rotate-secret`,
      `/v1/deliveries/${MISSING_DELIVERY}/retry`,
    ]) {
      expect((await session.post(path, {})).status).toBe(404);
    }
    expect((await session.post(`/v1/webhook-endpoints/${MISSING_ENDPOINT}/recover`, { since: '2026-01-01T00:00:00Z' })).status).toBe(404);
    expect((await session.patch(`/v1/webhook-endpoints/${MISSING_ENDPOINT}`, { description: 'x' })).status).toBe(404);
    expect((await session.delete(`/v1/webhook-endpoints/${MISSING_ENDPOINT}`)).status).toBe(404);

    const other = await TestSession.create(stack);
    expect((await other.get(`/v1/webhook-endpoints/${endpointId}`)).status).toBe(404);
    expect((await other.get(`/v1/webhook-endpoints/${endpointId}/secret`)).status).toBe(404);
    expect((await other.delete(`/v1/webhook-endpoints/${endpointId}`)).status).toBe(404);
    expect((await other.get('/v1/webhook-endpoints')).body.data).toEqual([]);
  });

  it('needs webhooks:read to read and webhooks:write to change or to see a secret', async () => {
    const reader = await session.keyWith(['webhooks:read']);
    expect((await reader.get('/v1/webhook-endpoints')).status).toBe(200);
    expect((await reader.get(`/v1/webhook-endpoints/${endpointId}/deliveries`)).status).toBe(200);
    expect((await reader.get('/v1/event-types')).status).toBe(200);
    expect((await reader.get(`/v1/webhook-endpoints/${endpointId}/secret`)).status).toBe(403);
    expect((await reader.post('/v1/webhook-endpoints', { url: PUBLIC_URL, event_types: ['*'] })).status).toBe(403);
    expect((await reader.post(`/v1/webhook-endpoints/${endpointId}/rotate-secret`, {})).status).toBe(403);
    const agentsOnly = await session.keyWith(['agents:read']);
    expect((await agentsOnly.get('/v1/webhook-endpoints')).status).toBe(403);
    expect((await agentsOnly.get('/v1/event-types')).status).toBe(403);
  });

  it('replays a create with the same Idempotency-Key and refuses it with another body', async () => {
    const headers = { 'idempotency-key': `whe-${Date.now()}` };
    const a = await session.post('/v1/webhook-endpoints', { url: PUBLIC_URL, event_types: ['*'] }, { headers });
    const b = await session.post('/v1/webhook-endpoints', { url: PUBLIC_URL, event_types: ['*'] }, { headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect((await session.post('/v1/webhook-endpoints', { url: PUBLIC_URL, event_types: ['schedule.fired'] }, { headers })).status).toBe(
      409,
    );
  });
});
