import { EventEnvelope } from '@agentry/contracts';
import { sleep, TestSession, TestStack, waitFor } from '@agentry/testing';
import { Client } from 'pg';
import { FakePlatforms, startFakePlatforms } from './support/fake-platforms';
import { leakedSecrets, newMasterKey, readLog, recordResponses, ServiceCaller, startConnectionsStack } from './support/connections-stack';

type Disconnected = EventEnvelope<{
  connection_id: string;
  platform: string;
  name: string;
  status: string;
  previous_status: string;
  error_message: string;
}>;

describe('connections through the gateway', () => {
  const masterKey = newMasterKey();
  const recording = recordResponses();
  let fake: FakePlatforms;
  let stack: TestStack;
  let session: TestSession;
  let services: ServiceCaller;
  let db: Client;
  let disconnected: Disconnected[];

  const configs = () => ({
    slack: { bot_token: fake.credentials.slack, base_url: `${fake.url}/slack/api` },
    github: { token: fake.credentials.github, base_url: `${fake.url}/github` },
    openai: { api_key: fake.credentials.openai, base_url: `${fake.url}/openai/v1` },
    anthropic: { api_key: fake.credentials.anthropic, base_url: `${fake.url}/anthropic` },
    mcp: { url: `${fake.url}/mcp`, auth_token: fake.credentials.mcp, headers: { 'X-Team-Key': `team-${fake.credentials.mcp}` } },
    http_bearer: { base_url: `${fake.url}/bearer`, token: fake.credentials.bearer, test_path: '/me' },
    http_basic: {
      base_url: `${fake.url}/basic`,
      username: fake.credentials.basicUser,
      password: fake.credentials.basicPassword,
      test_path: '/me',
    },
  });
  const create = async (platform: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const res = await session.post('/v1/connections', { platform, name: `${platform} e2e`, config, ...extra });
    expect(res.status).toBe(201);
    return res.body;
  };
  const resolve = (id: string, workspaceId = session.workspace.id, actor = 'system:executions', platform?: string) =>
    services.call<{ config: Record<string, unknown> }>(
      'connections.resolve',
      { connection_id: id, ...(platform ? { platform } : {}) },
      { workspace_id: workspaceId, actor },
    );
  const eventsFor = (id: string) => disconnected.filter((e) => e.data.connection_id === id);

  beforeAll(async () => {
    fake = await startFakePlatforms();
    stack = await startConnectionsStack('connections_e2e', masterKey);
    session = await TestSession.create(stack);
    services = await ServiceCaller.connect(stack.natsUrl);
    disconnected = services.collect<Disconnected>('agentry.connections.disconnected');
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    recording.stop();
    await db?.end();
    await services?.close();
    await stack?.stop();
    await fake?.close();
  });

  it('lists the platform registry: schemas with secret fields marked, test endpoints, tools', async () => {
    const res = await session.get('/v1/platforms');

    expect(res.status).toBe(200);
    expect(res.body.data.map((p: { id: string }) => p.id)).toEqual([
      'http_bearer',
      'http_basic',
      'openai',
      'anthropic',
      'slack',
      'github',
      'mcp',
    ]);
    const slack = res.body.data.find((p: { id: string }) => p.id === 'slack');
    expect(slack).toMatchObject({
      name: 'Slack',
      auth_type: 'bearer',
      secret_fields: ['bot_token'],
      test_endpoint: 'POST {base_url}/auth.test',
      dynamic_tools: false,
    });
    expect(slack.config_schema.properties.bot_token).toMatchObject({ 'x-secret': true, writeOnly: true });
    expect(slack.config_schema.properties.base_url.default).toBe('https://slack.com/api');
    expect(slack.tools).toContainEqual({ name: 'slack.post_message', description: expect.any(String) });
    expect((await session.get('/v1/platforms/github')).body).toMatchObject({ id: 'github', secret_fields: ['token'] });
    expect((await session.get('/v1/platforms/salesforce')).status).toBe(404);
  });

  it('creates a connection on every platform and only ever shows its secrets masked', async () => {
    for (const [platform, config] of Object.entries(configs())) {
      const created = await create(platform, config);
      const secretFields = Object.keys(created.config).filter((k) => created.masked_fields.includes(k));

      expect(created).toMatchObject({
        id: expect.stringMatching(/^con_/),
        platform,
        status: 'untested',
        error_message: null,
        last_tested_at: null,
      });
      expect(secretFields.length).toBeGreaterThan(0);
      for (const field of secretFields) expect(JSON.stringify(created.config[field])).toMatch(/…|••••/);
      const fetched = await session.get(`/v1/connections/${created.id}`);
      expect(fetched.body).toEqual(created);
    }
    const openai = (await session.get('/v1/connections', { query: { platform: 'openai' } })).body.data[0];
    expect(openai.config).toEqual({ base_url: `${fake.url}/openai/v1`, api_key: `sk-proj-…${fake.credentials.openai.slice(-4)}` });
    expect(openai.masked_fields).toEqual(['api_key']);
    const basic = (await session.get('/v1/connections', { query: { platform: 'http_basic' } })).body.data[0];
    expect(basic.config.password).toBe('••••••••');
  });

  it('stores no plaintext secret: the row holds ciphertext, a wrapped data key and the master key id', async () => {
    const created = await create('github', configs().github);

    const { rows } = await db.query('SELECT * FROM connections.connections WHERE id = $1', [created.id]);

    expect(rows[0]).toMatchObject({
      workspace_id: session.workspace.id,
      master_key_id: 'e2e-k1',
      encryption_version: 1,
      config: { base_url: `${fake.url}/github` },
    });
    expect(rows[0].config).not.toHaveProperty('token');
    expect(rows[0].secret_masks).toEqual({ token: `ghp_…${fake.credentials.github.slice(-4)}` });
    expect(rows[0].secrets_ciphertext.length).toBeGreaterThan(28);
    expect(rows[0].data_key_wrapped.length).toBe(12 + 16 + 32);
    // Every row of every table this stack wrote (connections, outbox, gateway idempotency records…) in text form.
    const { rows: tables } = await db.query(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('connections', 'gateway')`,
    );
    const dump: string[] = [];
    for (const t of tables) {
      const { rows: all } = await db.query(`SELECT row_to_json(x)::text AS j FROM "${t.table_schema}"."${t.table_name}" x`);
      dump.push(...all.map((r: { j: string }) => r.j));
    }
    expect(dump.length).toBeGreaterThan(8);
    expect(
      leakedSecrets(
        dump,
        Object.values(fake.credentials).filter((v) => v.length > 10),
      ),
    ).toEqual([]);
  });

  it.each([
    ['slack', { team: 'Acme', user: 'agentry-bot' }],
    ['github', { login: 'octocat', scopes: ['repo', 'read:org'] }],
    ['openai', { models: 2 }],
    ['anthropic', { models: 1 }],
    ['mcp', { server: 'fake-mcp' }],
    ['http_bearer', { status: 200 }],
    ['http_basic', { username: 'agentry' }],
  ])('tests a %s connection against its fake: active, with who the credentials belong to', async (platform, identity) => {
    const created = await create(platform, (configs() as Record<string, Record<string, unknown>>)[platform]);

    const res = await session.post(`/v1/connections/${created.id}/test`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, status: 'active', error_message: null, identity: expect.objectContaining(identity) });
    expect(res.body.connection).toMatchObject({ id: created.id, status: 'active', last_tested_at: res.body.tested_at });
    expect((await session.get(`/v1/connections/${created.id}`)).body.status).toBe('active');
  });

  it('marks a refused GitHub token (401) error and emits agentry.connections.disconnected once', async () => {
    const created = await create('github', { ...configs().github, token: 'ghp_revoked0000000000000' });

    const first = await session.post(`/v1/connections/${created.id}/test`);

    expect(first.body).toMatchObject({
      ok: false,
      status: 'error',
      error_message: 'GitHub refused the credentials (HTTP 401): Bad credentials',
      identity: null,
    });
    expect(await waitFor(async () => eventsFor(created.id).length === 1, 5_000)).toBe(true);
    expect(eventsFor(created.id)[0]).toMatchObject({
      type: 'connections.disconnected',
      version: 1,
      workspace_id: session.workspace.id,
      data: {
        connection_id: created.id,
        platform: 'github',
        name: 'github e2e',
        status: 'error',
        previous_status: 'untested',
        error_message: first.body.error_message,
        detected_by: 'test',
      },
    });

    await session.post(`/v1/connections/${created.id}/test`);
    await sleep(700);
    expect(eventsFor(created.id)).toHaveLength(1);

    // Fixed, then revoked again: a new disconnect.
    expect((await session.patch(`/v1/connections/${created.id}`, { config: { token: fake.credentials.github } })).body.status).toBe(
      'untested',
    );
    expect((await session.post(`/v1/connections/${created.id}/test`)).body.status).toBe('active');
    await session.patch(`/v1/connections/${created.id}`, { config: { token: 'ghp_revoked1111111111111' } });
    await session.post(`/v1/connections/${created.id}/test`);
    expect(await waitFor(async () => eventsFor(created.id).length === 2, 5_000)).toBe(true);
  });

  it('marks a Slack invalid_auth error and a Slack token_expired expired, each with its event', async () => {
    const invalid = await create('slack', { ...configs().slack, bot_token: 'xoxb-0000-invalid-token' });
    const expired = await create('slack', { ...configs().slack, bot_token: fake.credentials.slackExpired });

    const a = await session.post(`/v1/connections/${invalid.id}/test`);
    const b = await session.post(`/v1/connections/${expired.id}/test`);

    expect(a.body).toMatchObject({ ok: false, status: 'error', error_message: 'Slack refused the token: invalid_auth' });
    expect(b.body).toMatchObject({ ok: false, status: 'expired', error_message: 'Slack refused the token: token_expired' });
    expect(await waitFor(async () => eventsFor(invalid.id).length === 1 && eventsFor(expired.id).length === 1, 5_000)).toBe(true);
    expect(eventsFor(expired.id)[0].data.status).toBe('expired');
  });

  it('scrubs an OpenAI-compatible server echoing the key back out of the error, the event and the response', async () => {
    const created = await create('openai', { ...configs().openai, api_key: fake.credentials.wrong });

    const res = await session.post(`/v1/connections/${created.id}/test`);

    expect(res.body).toMatchObject({ ok: false, status: 'error' });
    expect(res.body.error_message).toBe(
      'The OpenAI-compatible API refused the credentials (HTTP 401): Incorrect API key provided: [redacted].',
    );
    expect(await waitFor(async () => eventsFor(created.id).length === 1, 5_000)).toBe(true);
    expect(JSON.stringify(eventsFor(created.id))).not.toContain(fake.credentials.wrong);
  });

  it('gives up on a platform that does not answer: error, within the budget, and no disconnect event', async () => {
    const created = await create('slack', { ...configs().slack, base_url: `${fake.url}/hang/slack/api` });
    const started = Date.now();

    const res = await session.post(`/v1/connections/${created.id}/test`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, status: 'error', error_message: 'Slack did not answer within 1500 ms' });
    expect(Date.now() - started).toBeLessThan(5_000);
    await sleep(500);
    expect(eventsFor(created.id)).toEqual([]);
  });

  it('tests a config before saving it, and stores nothing', async () => {
    const before = await db.query('SELECT count(*)::int AS n FROM connections.connections');

    const good = await session.post('/v1/connections/test', { platform: 'slack', config: configs().slack });
    const bad = await session.post('/v1/connections/test', {
      platform: 'github',
      config: { ...configs().github, token: 'ghp_wrong000000000000' },
    });

    expect(good.body).toMatchObject({ ok: true, status: 'active', identity: { team: 'Acme' } });
    expect(good.body).not.toHaveProperty('connection');
    expect(bad.body).toMatchObject({ ok: false, status: 'error', error_message: expect.stringContaining('HTTP 401') });
    expect((await db.query('SELECT count(*)::int AS n FROM connections.connections')).rows[0].n).toBe(before.rows[0].n);
  });

  it('creates and tests in one call with test: true', async () => {
    const created = await create('openai', configs().openai, { test: true });

    expect(created).toMatchObject({ status: 'active', error_message: null, last_tested_at: expect.any(String) });
  });

  it('PATCH keeps the secrets it is not given; a new config must be tested again, a new name need not', async () => {
    const created = await create('openai', configs().openai, { test: true });

    const renamed = await session.patch(`/v1/connections/${created.id}`, { name: 'Renamed' });
    expect(renamed.body).toMatchObject({ name: 'Renamed', status: 'active' });

    // pointing the connection elsewhere without re-entering the key would hand the stored key to that host
    const withoutKey = await session.patch(`/v1/connections/${created.id}`, {
      config: { default_model: 'gpt-4o-mini', base_url: `${fake.url}/openai/v1/` },
    });
    expect(withoutKey.status).toBe(400);
    expect(withoutKey.body.error.details).toEqual([{ field: 'config.api_key', reason: 'required when config.base_url changes' }]);
    expect((await session.get(`/v1/connections/${created.id}`)).body).toMatchObject({ status: 'active', config: created.config });

    const moved = await session.patch(`/v1/connections/${created.id}`, {
      config: { default_model: 'gpt-4o-mini', base_url: `${fake.url}/openai/v1/`, api_key: fake.credentials.openai },
    });
    expect(moved.body).toMatchObject({ status: 'untested', config: { default_model: 'gpt-4o-mini', api_key: created.config.api_key } });
    await session.post(`/v1/connections/${created.id}/test`);
    expect((await resolve(created.id)).response?.config).toMatchObject({ api_key: fake.credentials.openai, default_model: 'gpt-4o-mini' });

    const cleared = await session.patch(`/v1/connections/${created.id}`, { config: { default_model: null } });
    expect(cleared.body.config).not.toHaveProperty('default_model');
  });

  describe('connections.resolve (service to service only)', () => {
    it('answers a service actor with the decrypted config, defaults filled in', async () => {
      const created = await create('slack', { bot_token: fake.credentials.slack, base_url: `${fake.url}/slack/api` }, { test: true });
      const github = await create('github', { token: fake.credentials.github }, {});

      const res = await resolve(created.id, session.workspace.id, 'system:executions', 'slack');

      expect(res.err).toBeUndefined();
      expect(res.response).toEqual({
        id: created.id,
        platform: 'slack',
        name: 'slack e2e',
        status: 'active',
        config: configs().slack,
        revision: 1,
      });
      // not tested, so not active: the run fails fast, naming the platform
      expect((await resolve(github.id)).err).toMatchObject({
        code: 'INTEGRATION_NOT_CONNECTED',
        message: expect.stringMatching(/^GitHub is not connected: .* has not been tested yet/),
      });
    });

    it('answers INTEGRATION_NOT_CONNECTED naming the platform for a missing, foreign, failed or mismatched connection', async () => {
      const active = await create('slack', configs().slack, { test: true });
      const failed = await create('github', { ...configs().github, token: 'ghp_bad0000000000000' }, { test: true });
      const other = await TestSession.create(stack);

      expect((await resolve(active.id, other.workspace.id, 'system:executions', 'slack')).err).toMatchObject({
        code: 'INTEGRATION_NOT_CONNECTED',
        message: `Slack is not connected: connection ${active.id} does not exist in this workspace`,
      });
      expect((await resolve(failed.id)).err).toMatchObject({
        code: 'INTEGRATION_NOT_CONNECTED',
        message: expect.stringContaining('its status is error (GitHub refused'),
      });
      expect((await resolve(active.id, session.workspace.id, 'system:executions', 'openai')).err?.message).toBe(
        `OpenAI-compatible is not connected: connection ${active.id} is a Slack connection`,
      );
      expect((await resolve('con_01JD5Z4Q9X7N3B2V1C0M8K6H4G')).err?.code).toBe('INTEGRATION_NOT_CONNECTED');
    });

    it('refuses callers that are not services, such as an API key', async () => {
      const active = await create('slack', configs().slack, { test: true });

      expect((await resolve(active.id, session.workspace.id, session.adminApiKey.id)).err).toMatchObject({ code: 'FORBIDDEN' });
      expect(
        (await services.call('connections.resolve', { connection_id: active.id }, { workspace_id: session.workspace.id })).err?.code,
      ).toBe('FORBIDDEN');
    });

    it('has no HTTP route, and is not in the OpenAPI document', async () => {
      const active = await create('slack', configs().slack, { test: true });

      for (const [method, path] of [
        ['POST', `/v1/connections/${active.id}/resolve`],
        ['GET', `/v1/connections/${active.id}/resolve`],
        ['GET', `/v1/connections/${active.id}/config`],
        ['POST', '/v1/connections/resolve'],
      ]) {
        expect((await session.client.request(method, path, method === 'POST' ? {} : undefined)).status).toBe(404);
      }
      const doc = await session.get('/openapi.json');
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths).filter((p) => /resolve|config/.test(p))).toEqual([]);
      expect(JSON.stringify(doc.body)).not.toContain('connections.resolve');
    });
  });

  it('lists newest first, a page at a time, filtered by platform and status', async () => {
    const own = await TestSession.create(stack);
    const ids: string[] = [];
    for (const platform of ['slack', 'github', 'slack']) {
      ids.push(
        (await own.post('/v1/connections', { platform, name: platform, config: (configs() as Record<string, unknown>)[platform] })).body.id,
      );
    }

    const first = await own.get('/v1/connections', { query: { limit: 2 } });
    const second = await own.get('/v1/connections', { query: { limit: 2, cursor: first.body.next_cursor } });

    expect(first.body.data.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    expect(second.body).toEqual({ data: [expect.objectContaining({ id: ids[0] })], next_cursor: null });
    expect((await own.get('/v1/connections', { query: { platform: 'slack' } })).body.data).toHaveLength(2);
    expect((await own.get('/v1/connections', { query: { status: 'active' } })).body.data).toHaveLength(0);
  });

  it('replays a create sent twice with the same Idempotency-Key', async () => {
    const body = { platform: 'github', name: 'idem', config: configs().github };
    const headers = { 'Idempotency-Key': `idem-${Date.now()}` };

    const a = await session.post('/v1/connections', body, { headers });
    const b = await session.post('/v1/connections', body, { headers });

    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers['idempotent-replayed']).toBe('true');
  });

  it('deletes a connection with its secrets; a run can no longer use it', async () => {
    const created = await create('slack', configs().slack, { test: true });

    expect((await session.delete(`/v1/connections/${created.id}`)).body).toEqual({ id: created.id, deleted: true });

    expect((await session.get(`/v1/connections/${created.id}`)).status).toBe(404);
    expect((await session.delete(`/v1/connections/${created.id}`)).status).toBe(404);
    expect((await db.query('SELECT 1 FROM connections.connections WHERE id = $1', [created.id])).rowCount).toBe(0);
    expect((await resolve(created.id)).err?.code).toBe('INTEGRATION_NOT_CONNECTED');
  });

  // Last on purpose: it reads everything the tests above produced.
  it('never shows a secret in any response or any service log line of this suite', async () => {
    await sleep(300); // the log stream is written asynchronously
    const secrets = [...Object.values(fake.credentials).filter((v) => v.length > 10), masterKey];
    const logs = readLog(stack.logFile);

    expect(recording.texts.length).toBeGreaterThan(50);
    expect(logs).toContain('"msg":"connection tested"');
    expect(leakedSecrets(recording.texts, secrets)).toEqual([]);
    expect(leakedSecrets([logs], secrets)).toEqual([]);
  });
});
