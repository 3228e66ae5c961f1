import { ApiClient, ApiResponse, sleep, TestSession, TestStack } from '@agentry/testing';
import { FakePlatforms, startFakePlatforms } from './support/fake-platforms';
import { leakedSecrets, newMasterKey, readLog, recordResponses, startConnectionsStack } from './support/connections-stack';

const MISSING_ID = 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4G';

function expectInvalid(res: ApiResponse, field: string, reason?: string | RegExp): void {
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', request_id: expect.any(String) });
  expect(res.body.error.details).toContainEqual({
    field,
    reason: reason instanceof RegExp ? expect.stringMatching(reason) : (reason ?? expect.any(String)),
  });
}

describe('connections: bad input, scopes and workspace isolation', () => {
  const masterKey = newMasterKey();
  const recording = recordResponses();
  let fake: FakePlatforms;
  let stack: TestStack;
  let session: TestSession;
  let connectionId: string;
  const slack = () => ({ bot_token: fake.credentials.slack, base_url: `${fake.url}/slack/api` });

  beforeAll(async () => {
    fake = await startFakePlatforms();
    stack = await startConnectionsStack('connections_input', masterKey);
    session = await TestSession.create(stack);
    connectionId = (await session.post('/v1/connections', { platform: 'slack', name: 'Main', config: slack(), test: true })).body.id;
  });

  afterAll(async () => {
    recording.stop();
    await stack?.stop();
    await fake?.close();
  });

  describe('POST /v1/connections', () => {
    it.each([
      ['platform missing', { name: 'x', config: {} }, 'platform'],
      ['platform of the wrong type', { platform: 5, name: 'x', config: {} }, 'platform'],
      ['platform not an id', { platform: 'Slack!', name: 'x', config: {} }, 'platform'],
      ['name missing', { platform: 'slack', config: {} }, 'name'],
      ['name of the wrong type', { platform: 'slack', name: 12, config: {} }, 'name'],
      ['name empty', { platform: 'slack', name: '', config: {} }, 'name'],
      ['name too long', { platform: 'slack', name: 'n'.repeat(201), config: {} }, 'name'],
      ['config missing', { platform: 'slack', name: 'x' }, 'config'],
      ['config a string', { platform: 'slack', name: 'x', config: 'xoxb-1' }, 'config'],
      ['config an array', { platform: 'slack', name: 'x', config: ['xoxb-1'] }, 'config'],
      ['test not a boolean', { platform: 'slack', name: 'x', config: {}, test: 'yes' }, 'test'],
      ['an unknown field', { platform: 'slack', name: 'x', config: {}, owner: 'me' }, 'owner'],
    ])('refuses %s', async (_, body, field) => {
      expectInvalid(await session.post('/v1/connections', body), field);
    });

    it('refuses an unknown platform, listing the known ones', async () => {
      expectInvalid(
        await session.post('/v1/connections', { platform: 'salesforce', name: 'x', config: {} }),
        'platform',
        /must be one of: .*slack/,
      );
    });

    it('validates config against the platform schema, by field path', async () => {
      const res = await session.post('/v1/connections', {
        platform: 'slack',
        name: 'x',
        config: { bot_token: 42, base_url: 'ftp://x', team: 'acme' },
      });

      expectInvalid(res, 'config.bot_token', 'must be string');
      expectInvalid(res, 'config.team', 'unknown field');
      expectInvalid(res, 'config.base_url');
      expectInvalid(await session.post('/v1/connections', { platform: 'github', name: 'x', config: {} }), 'config.token', 'is required');
      expectInvalid(
        await session.post('/v1/connections', { platform: 'mcp', name: 'x', config: { url: 'https://m.example', headers: { a: 1 } } }),
        'config.headers.a',
        'must be string',
      );
    });

    it('refuses a secret longer than the schema allows, without echoing it', async () => {
      const token = `ghp_${'x'.repeat(5000)}`;

      const res = await session.post('/v1/connections', { platform: 'github', name: 'x', config: { token } });

      expectInvalid(res, 'config.token', 'must NOT have more than 4096 characters');
      expect(JSON.stringify(res.body)).not.toContain('xxxxxxxx');
    });

    it('refuses a huge body with 413', async () => {
      const res = await session.post('/v1/connections', { platform: 'github', name: 'x', config: { token: 'g'.repeat(2 * 1024 * 1024) } });

      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('refuses malformed JSON and other content types', async () => {
      const broken = await session.post('/v1/connections', undefined, {
        raw: '{"platform": "slack",',
        headers: { 'content-type': 'application/json' },
      });
      const text = await session.post('/v1/connections', undefined, { raw: 'platform=slack', headers: { 'content-type': 'text/plain' } });

      expect(broken.status).toBe(400);
      expect(broken.body.error.code).toBe('INVALID_INPUT');
      expect(text.status).toBe(415);
    });
  });

  describe('PATCH /v1/connections/{id}', () => {
    it.each([
      ['a name of the wrong type', { name: false }, 'name'],
      ['config not an object', { config: 'x' }, 'config'],
      ['a platform change', { platform: 'github' }, 'platform'],
      ['a status change', { status: 'active' }, 'status'],
    ])('refuses %s', async (_, body, field) => {
      expectInvalid(await session.patch(`/v1/connections/${connectionId}`, body), field);
    });

    it('validates the merged config, and changes nothing when it is refused', async () => {
      expectInvalid(
        await session.patch(`/v1/connections/${connectionId}`, { config: { bot_token: null } }),
        'config.bot_token',
        'is required',
      );
      expectInvalid(
        await session.patch(`/v1/connections/${connectionId}`, { config: { bot_token: 'not-a-slack-token' } }),
        'config.bot_token',
        /must match pattern/,
      );

      expect((await session.get(`/v1/connections/${connectionId}`)).body).toMatchObject({
        status: 'active',
        config: { base_url: `${fake.url}/slack/api` },
      });
    });
  });

  describe('POST /v1/connections/test', () => {
    it.each([
      ['platform missing', { config: {} }, 'platform'],
      ['an unknown platform', { platform: 'nope', config: {} }, 'platform'],
      ['config missing', { platform: 'slack' }, 'config'],
      ['an invalid config', { platform: 'slack', config: { bot_token: 'x' } }, 'config.bot_token'],
      ['an unknown field', { platform: 'slack', config: { bot_token: 'xoxb-1-2-abcdef' }, save: true }, 'save'],
    ])('refuses %s', async (_, body, field) => {
      expectInvalid(await session.post('/v1/connections/test', body), field);
    });
  });

  describe('GET /v1/connections', () => {
    it.each([
      [{ limit: 0 }, 'limit'],
      [{ limit: 101 }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ status: 'broken' }, 'status'],
      [{ platform: 'NOT_AN_ID' }, 'platform'],
      [{ cursor: 'not-a-cursor' }, 'cursor'],
      [{ sort: 'name' }, 'sort'],
    ])('refuses %j', async (query, field) => {
      expectInvalid(await session.get('/v1/connections', { query }), field);
    });
  });

  describe('ids that do not exist', () => {
    it.each([['not-an-id'], [MISSING_ID], ['agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G'], ["con_'; DROP TABLE connections; --"], ['x'.repeat(200)]])(
      'answers 404 for %s on every route',
      async (raw) => {
        const id = encodeURIComponent(raw);
        for (const res of [
          await session.get(`/v1/connections/${id}`),
          await session.patch(`/v1/connections/${id}`, { name: 'x' }),
          await session.delete(`/v1/connections/${id}`),
          await session.post(`/v1/connections/${id}/test`),
        ]) {
          expect(res.status).toBe(404);
          expect(res.body.error.code).toBe('NOT_FOUND');
        }
      },
    );
  });

  describe('scopes', () => {
    let readOnly: ApiClient;
    let agentsOnly: ApiClient;

    beforeAll(async () => {
      readOnly = await session.keyWith(['connections:read']);
      agentsOnly = await session.keyWith(['agents:read']);
    });

    it('lets connections:read read, and nothing more', async () => {
      expect((await readOnly.get('/v1/platforms')).status).toBe(200);
      expect((await readOnly.get('/v1/connections')).status).toBe(200);
      expect((await readOnly.get(`/v1/connections/${connectionId}`)).status).toBe(200);
      for (const res of [
        await readOnly.post('/v1/connections', { platform: 'slack', name: 'x', config: slack() }),
        await readOnly.patch(`/v1/connections/${connectionId}`, { name: 'x' }),
        await readOnly.delete(`/v1/connections/${connectionId}`),
        await readOnly.post(`/v1/connections/${connectionId}/test`),
        await readOnly.post('/v1/connections/test', { platform: 'slack', config: slack() }),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: [{ field: 'scope', reason: 'requires connections:write' }] });
      }
    });

    it('refuses a key without connections scopes (403) and no key at all (401)', async () => {
      for (const path of ['/v1/platforms', '/v1/connections', `/v1/connections/${connectionId}`]) {
        expect((await agentsOnly.get(path)).status).toBe(403);
        expect((await agentsOnly.withKey(undefined).get(path)).status).toBe(401);
      }
      expect((await session.get(`/v1/connections/${connectionId}`)).body.name).toBe('Main');
    });
  });

  describe('another workspace', () => {
    let other: TestSession;

    beforeAll(async () => {
      other = await TestSession.create(stack);
    });

    it('sees none of this workspace’s connections: 404 on every route, an empty list', async () => {
      expect((await other.get(`/v1/connections/${connectionId}`)).status).toBe(404);
      expect((await other.patch(`/v1/connections/${connectionId}`, { name: 'taken' })).status).toBe(404);
      expect((await other.post(`/v1/connections/${connectionId}/test`)).status).toBe(404);
      expect((await other.delete(`/v1/connections/${connectionId}`)).status).toBe(404);
      expect((await other.get('/v1/connections')).body).toEqual({ data: [], next_cursor: null });
    });

    it('changed nothing by trying', async () => {
      expect((await session.get(`/v1/connections/${connectionId}`)).body).toMatchObject({ name: 'Main', status: 'active' });
    });
  });

  it('never shows a secret in any response or service log line of this suite', async () => {
    await sleep(300);
    const secrets = [...Object.values(fake.credentials).filter((v) => v.length > 10), masterKey];

    expect(recording.texts.length).toBeGreaterThan(80);
    expect(leakedSecrets(recording.texts, secrets)).toEqual([]);
    expect(leakedSecrets([readLog(stack.logFile)], secrets)).toEqual([]);
  });
});
