import { ApiClient, sharedStack, StackInfo, TestSession } from '@agentry/testing';
import { Client } from 'pg';
import { requestHash } from '../src/idempotency/idempotency.interceptor';

/** Regression tests of the security review (docs/security-review.md), over HTTP against the real services. */
describe('gateway security (HTTP, real services)', () => {
  let stack: StackInfo;
  let session: TestSession;

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
  });

  async function query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      return (await db.query(sql, params)).rows as T[];
    } finally {
      await db.end();
    }
  }

  describe('a body nested thousands of levels deep', () => {
    const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
    const raw = `{"name":"deep","definition":{"steps":[{"id":"a","type":"stop","with":{"output":${deep}}}]}}`;

    it('is a 400 naming the body, not a 500', async () => {
      const res = await session.post('/v1/agents', undefined, { raw, headers: { 'content-type': 'application/json' } });

      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'INVALID_INPUT',
        details: [{ field: 'body', reason: expect.stringContaining('nest') }],
      });
    });

    it('is a 400 with an Idempotency-Key too (the key is not kept)', async () => {
      const headers = { 'content-type': 'application/json', 'idempotency-key': 'deep-1' };

      expect((await session.post('/v1/agents', undefined, { raw, headers })).status).toBe(400);
      const ok = await session.post(
        '/v1/agents',
        { name: 'shallow', definition: { steps: [{ id: 'a', type: 'stop', with: { output: 1 } }] } },
        {
          headers: { 'idempotency-key': 'deep-1' },
        },
      );
      expect(ok.status).toBe(201);
    });
  });

  it('answers a NUL character (which PostgreSQL text cannot hold) with 400 wherever it is sent, never 500', async () => {
    const stop = (output: unknown) => ({ steps: [{ id: 'a', type: 'stop', with: { output } }] });
    const sent = {
      query: await session.get('/v1/agents', { query: { q: 'a\u0000b' } }),
      agentName: await session.post('/v1/agents', { name: 'a\u0000b', definition: stop(1) }),
      definition: await session.post('/v1/agents', { name: 'nul', definition: stop('x\u0000y') }),
      keyName: await session.admin.post('/v1/api-keys', { name: 'a\u0000b', scopes: ['agents:read'] }),
      connection: await session.post('/v1/connections', {
        platform: 'github',
        name: 'a\u0000b',
        config: { token: 'ghp_1234567890abcdef' },
      }),
      keyId: await session.admin.delete('/v1/api-keys/key_%00'),
    };

    expect(Object.fromEntries(Object.entries(sent).map(([k, r]) => [k, r.status]))).toEqual({
      query: 400,
      agentName: 400,
      definition: 400,
      keyName: 400,
      connection: 400,
      keyId: 404,
    });
    expect(sent.definition.body.error.details).toEqual([
      { field: 'definition.steps.0.with.output', reason: 'must not contain the NUL character (\\u0000)' },
    ]);
  });

  it('answers a forged versions cursor with 400, not a failed query', async () => {
    const agent = await session.post('/v1/agents', {
      name: 'versions',
      definition: { steps: [{ id: 'a', type: 'stop', with: { output: 1 } }] },
    });

    for (const version of ['abc', 1e300]) {
      const cursor = Buffer.from(JSON.stringify({ version })).toString('base64url');
      const res = await session.get(`/v1/agents/${agent.body.id}/versions`, { query: { cursor } });
      expect({ version, status: res.status, code: res.body.error?.code }).toEqual({ version, status: 400, code: 'INVALID_INPUT' });
    }
  });

  describe('M5: patterns of an input_schema run on RE2', () => {
    it('refuses a backreference or lookahead at save, naming the field', async () => {
      const res = await session.post('/v1/agents', {
        name: 'backref',
        definition: {
          input_schema: { type: 'object', properties: { code: { type: 'string', pattern: '^(a)\\1$' } } },
          steps: [{ id: 'a', type: 'llm', with: { model: 'm', prompt: 'p', response_schema: { type: 'string', pattern: '^(?=x)' } } }],
        },
      });

      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'INVALID_INPUT',
        details: [
          { field: 'definition.input_schema.properties.code.pattern', reason: expect.stringContaining('backreference') },
          { field: 'definition.steps[0].with.response_schema.pattern', reason: expect.stringContaining('lookahead') },
        ],
      });
    });

    it('checks run input against ^(a+)+$ without backtracking, and the worker goes on', async () => {
      const agent = await session.post('/v1/agents', {
        name: 'redos',
        definition: {
          input_schema: { type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$' } } },
          steps: [{ id: 'a', type: 'stop', with: { output: '{{ input.code }}' } }],
        },
      });
      expect(agent.status).toBe(201);

      const evil = await session.post(`/v1/agents/${agent.body.id}/runs`, { input: { code: `${'a'.repeat(40)}!` } });
      const fine = await session.post(`/v1/agents/${agent.body.id}/runs`, { input: { code: 'aaaa' } });

      expect(evil.status).toBe(400);
      expect(evil.body.error.details).toEqual([{ field: 'input.code', reason: 'must match pattern "^(a+)+$"' }]);
      expect(fine.status).toBe(200);
      expect(fine.body).toMatchObject({ status: 'succeeded', output: 'aaaa' });
    });
  });

  describe('L3: an Idempotency-Key left in progress by a gateway that stopped mid-request', () => {
    const body = (name: string) => ({ name, definition: { steps: [{ id: 'a', type: 'stop', with: { output: 1 } }] } });
    /** The record a crashed gateway leaves: in progress, its lease ended `ago` seconds ago (negative: still held). */
    const leftBehind = (key: string, name: string, ago: number) =>
      query(
        `INSERT INTO gateway.idempotency_records (workspace_id, key, request_hash, state, created_at, locked_until)
         VALUES ($1, $2, $3, 'in_progress', now() - interval '1 minute', now() - make_interval(secs => $4))`,
        [session.workspace.id, key, requestHash('POST', '/v1/agents', body(name)), ago],
      );

    it('lets the retry proceed once the lease has ended, then replays it', async () => {
      const key = `crashed-${Date.now()}`;
      await leftBehind(key, 'after-crash', 5);

      const retry = await session.post('/v1/agents', body('after-crash'), { headers: { 'idempotency-key': key } });
      const replay = await session.post('/v1/agents', body('after-crash'), { headers: { 'idempotency-key': key } });

      expect(retry.status).toBe(201);
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(retry.body.id);
    });

    it('still answers 409 while the lease is held', async () => {
      const key = `running-${Date.now()}`;
      await leftBehind(key, 'running', -30);

      const res = await session.post('/v1/agents', body('running'), { headers: { 'idempotency-key': key } });

      expect(res.status).toBe(409);
      expect(res.body.error.message).toBe('A request with this Idempotency-Key is still in progress');
    });
  });

  describe('a new API key sent with an Idempotency-Key', () => {
    it('is shown once: the replay answers without it, and the stored record never held it', async () => {
      const headers = { 'idempotency-key': `key-once-${Date.now()}` };
      const first = await session.admin.post('/v1/api-keys', { name: 'ci', scopes: ['agents:read'] }, { headers });
      const replay = await session.admin.post('/v1/api-keys', { name: 'ci', scopes: ['agents:read'] }, { headers });

      expect(first.status).toBe(201);
      expect(first.body.key).toMatch(/^agk_/);
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual({ ...first.body, key: undefined });
      expect(replay.body).not.toHaveProperty('key');
      const rows = await query<{ body: string }>(
        `SELECT response_body::text AS body FROM gateway.idempotency_records WHERE workspace_id = $1 AND key = $2`,
        [session.workspace.id, headers['idempotency-key']],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].body).toContain(first.body.id);
      expect(rows[0].body).not.toContain(first.body.key);
      expect((await session.admin.withKey(first.body.key).get('/v1/agents')).status).toBe(200);
    });

    it('is not kept for a new workspace either', async () => {
      const admin = new ApiClient(stack.gatewayUrl, stack.adminKey);
      const headers = { 'idempotency-key': `ws-once-${Date.now()}` };
      const first = await admin.post('/v1/workspaces', { name: 'once', plan: 'free' }, { headers });
      const replay = await admin.post('/v1/workspaces', { name: 'once', plan: 'free' }, { headers });

      expect(first.body.api_key.key).toMatch(/^agk_/);
      expect(replay.body.workspace).toEqual(first.body.workspace);
      expect(replay.body.api_key).not.toHaveProperty('key');
      const rows = await query<{ body: string }>(`SELECT response_body::text AS body FROM gateway.idempotency_records WHERE key = $1`, [
        headers['idempotency-key'],
      ]);
      expect(rows.map((r) => r.body.includes(first.body.api_key.key))).toEqual([false]);
    });
  });

  it('counts the rate limit per workspace: a second key does not double the budget', async () => {
    const admin = new ApiClient(stack.gatewayUrl, stack.adminKey);
    const ws = await admin.post('/v1/workspaces', { name: 'rl-shared', plan: 'free', requests_per_minute: 6 });
    const first = admin.withKey(ws.body.api_key.key);
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
    const second = await first.post('/v1/api-keys', { name: 'second', scopes: ['agents:read'] });
    expect(second.status).toBe(201);
    const other = admin.withKey(second.body.key);

    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await (i % 2 ? other : first).get('/v1/agents')).status);

    // the key creation above was request 1 of 6
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });
});
