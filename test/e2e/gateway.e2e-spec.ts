import { ApiClient, agentFactory, sharedStack, StackInfo, TestSession } from '@agentry/testing';
import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ENVELOPE = expect.objectContaining({
  error: expect.objectContaining({ code: expect.any(String), message: expect.any(String), request_id: expect.stringMatching(/\S/) }),
});

describe('gateway (HTTP, real services)', () => {
  let stack: StackInfo;
  let session: TestSession;

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
  });

  describe('workspaces and API keys', () => {
    it('creates a workspace with a first admin key that is shown once and works', async () => {
      const admin = new ApiClient(stack.gatewayUrl, stack.adminKey);
      const res = await admin.post('/v1/workspaces', { name: 'acme-e2e', plan: 'free' });
      expect(res.status).toBe(201);
      expect(res.body.workspace).toMatchObject({
        id: expect.stringMatching(/^wks_[0-9A-Z]{26}$/),
        name: 'acme-e2e',
        plan: 'free',
        requests_per_minute: 600,
      });
      expect(res.body.api_key).toMatchObject({
        id: expect.stringMatching(/^key_/),
        key: expect.stringMatching(/^agk_[0-9A-Za-z]{40}$/),
        scopes: ['admin'],
      });
      const client = admin.withKey(res.body.api_key.key);
      expect((await client.get('/v1/agents')).status).toBe(200);
      const listed = await client.get('/v1/api-keys');
      expect(listed.status).toBe(200);
      expect(listed.body.data).toHaveLength(1);
      expect(listed.body.data[0]).not.toHaveProperty('key');
      expect(JSON.stringify(listed.body)).not.toContain(res.body.api_key.key);
    });

    it('lets only the instance admin create workspaces', async () => {
      const res = await session.admin.post('/v1/workspaces', { name: 'nope', plan: 'pro' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(ENVELOPE);
      expect(res.body.error.code).toBe('FORBIDDEN');
    });

    it('rejects a bad workspace body with field details', async () => {
      const admin = new ApiClient(stack.gatewayUrl, stack.adminKey);
      const res = await admin.post('/v1/workspaces', { name: '', plan: 'platinum', color: 'red' });
      expect(res.status).toBe(400);
      const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
      expect(fields).toEqual(expect.arrayContaining(['color', 'name', 'plan']));
    });

    it('creates a scoped key, and revokes it so it stops working', async () => {
      const created = await session.admin.post('/v1/api-keys', { name: 'reader', scopes: ['agents:read'] });
      expect(created.status).toBe(201);
      const reader = session.admin.withKey(created.body.key);
      expect((await reader.get('/v1/agents')).status).toBe(200);
      const revoked = await session.admin.delete(`/v1/api-keys/${created.body.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual({ id: created.body.id, revoked: true });
      const after = await reader.get('/v1/agents');
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('UNAUTHORIZED');
      expect((await session.admin.delete(`/v1/api-keys/${created.body.id}`)).status).toBe(404);
    });

    it('rejects unknown scopes, an expiry in the past, and keys of another workspace', async () => {
      const bad = await session.admin.post('/v1/api-keys', { name: 'x', scopes: ['agents:fly'] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].field).toMatch(/^scopes/);
      const past = await session.admin.post('/v1/api-keys', { name: 'x', scopes: ['agents:read'], expires_at: '2001-01-01T00:00:00Z' });
      expect(past.status).toBe(400);
      const other = await TestSession.create(stack);
      expect((await other.admin.delete(`/v1/api-keys/${session.adminApiKey.id}`)).status).toBe(404);
      expect((await session.admin.get('/v1/agents')).status).toBe(200);
    });

    it('needs the admin scope to manage keys', async () => {
      const writer = await session.keyWith(['agents:write', 'agents:read']);
      const res = await writer.post('/v1/api-keys', { name: 'x', scopes: ['admin'] });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('admin');
    });
  });

  describe('authentication', () => {
    it.each([
      ['no header', undefined],
      ['a wrong key', 'agk_0000000000000000000000000000000000000000'],
      ['a malformed header', 'Basic abc'],
    ])('answers 401 with the envelope for %s', async (_what, header) => {
      const client = new ApiClient(stack.gatewayUrl, undefined, header ? { authorization: header } : {});
      const res = await client.get('/v1/agents');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(ENVELOPE);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
      expect(res.headers['x-request-id']).toBe(res.body.error.request_id);
    });

    it('keeps a sane incoming X-Request-Id and replaces an insane one', async () => {
      const kept = await session.client.get('/v1/agents', { headers: { 'x-request-id': 'trace-abc-123' } });
      expect(kept.headers['x-request-id']).toBe('trace-abc-123');
      const replaced = await session.client.get('/v1/agents', { headers: { 'x-request-id': 'bad id with spaces' } });
      expect(replaced.headers['x-request-id']).toMatch(/^req_[0-9A-Z]{26}$/);
    });
  });

  describe('errors are always the envelope', () => {
    it('for an unknown route', async () => {
      const res = await session.client.get('/v1/does-not-exist');
      expect(res.status).toBe(404);
      expect(res.body).toEqual(ENVELOPE);
    });

    it('for malformed JSON', async () => {
      const res = await session.client.post('/v1/agents', undefined, { raw: '{"name": ', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_INPUT');
    });

    it('for a body that is not a JSON object', async () => {
      const res = await session.client.post('/v1/agents', undefined, { raw: '[1,2]', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ field: 'body', reason: 'must be a JSON object' }]);
    });

    it('for a content type other than JSON (415)', async () => {
      const res = await session.client.post('/v1/agents', undefined, {
        raw: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('for a body over the limit (413), and nothing is created', async () => {
      const huge = agentFactory({ description: 'x'.repeat(1_200_000) });
      const res = await session.client.post('/v1/agents', huge);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect((await session.client.get('/v1/agents', { query: { q: huge.slug } })).body.data).toEqual([]);
    });

    it('for a query that fails validation', async () => {
      const res = await session.client.get('/v1/agents', { query: { limit: 0, status: 'sleeping' } });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['limit', 'status']);
    });

    it('for a cursor that was not issued by the list', async () => {
      const res = await session.client.get('/v1/agents', { query: { cursor: 'not-a-cursor' } });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe('cursor');
    });
  });

  describe('rate limits', () => {
    it('sends X-RateLimit-* on authenticated responses and 429 with Retry-After past the limit', async () => {
      const admin = new ApiClient(stack.gatewayUrl, stack.adminKey);
      const ws = await admin.post('/v1/workspaces', { name: 'tiny', plan: 'free', requests_per_minute: 5 });
      expect(ws.status).toBe(201);
      const client = admin.withKey(ws.body.api_key.key);
      // windows are whole minutes: start well inside one so the budget cannot refill mid-test
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
      const responses = [];
      for (let i = 0; i < 7; i++) responses.push(await client.get('/v1/agents'));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(responses.map((r) => r.headers['x-ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0', '0', '0']);
      for (const r of responses) {
        expect(r.headers['x-ratelimit-limit']).toBe('5');
        expect(Number(r.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
      }
      const limited = responses[5];
      expect(limited.body).toEqual(ENVELOPE);
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    });
  });

  describe('OpenAPI and Swagger UI', () => {
    it('serves a valid document equal to the committed one, and the UI', async () => {
      const res = await new ApiClient(stack.gatewayUrl).get('/openapi.json');
      expect(res.status).toBe(200);
      await expect(SwaggerParser.validate(structuredClone(res.body))).resolves.toBeDefined();
      const committed = JSON.parse(readFileSync(resolve(__dirname, '../../docs/openapi.json'), 'utf8'));
      expect({ ...res.body, servers: undefined }).toEqual({ ...committed, servers: undefined });
      const ui = await fetch(`${stack.gatewayUrl}/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger');
    });
  });

  describe('health and metrics', () => {
    it('answers /health/live, /health/ready and /metrics on the gateway without a key', async () => {
      const anon = new ApiClient(stack.gatewayUrl);
      expect((await anon.get('/health/live')).body).toMatchObject({ status: 'ok', service: 'gateway' });
      expect((await anon.get('/health/ready')).body).toEqual({ status: 'ok', service: 'gateway', checks: { database: 'ok', nats: 'ok' } });
      const metrics = await fetch(`${stack.gatewayUrl}/metrics`);
      expect(await metrics.text()).toContain('process_cpu_user_seconds_total');
    });

    it('answers /health/ready on every service of the stack', async () => {
      for (const [name, port] of Object.entries(stack.ports)) {
        const res = await new ApiClient(`http://127.0.0.1:${port}`).get('/health/ready');
        expect({ name, status: res.status, body: res.body }).toMatchObject({ name, status: 200, body: { status: 'ok', service: name } });
      }
    });
  });
});
