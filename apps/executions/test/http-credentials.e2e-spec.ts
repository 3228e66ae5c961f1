import { expectStatus, HttpFake, sendJson, sharedStack, startHttpFake, TestSession } from '@agentry/testing';
import { createAgent, stepsAgent } from './support/runs';

/** An http step's connection credentials go to the connection's base URL and nowhere else. */
describe('http step with connection_id (real services)', () => {
  let session: TestSession;
  let api: HttpFake;
  let elsewhere: HttpFake;
  let connectionId: string;
  const token = 'tok_e2e_secret_0123456789';

  beforeAll(async () => {
    session = await TestSession.create(sharedStack());
    // `/api/status/<code>` answers that status, as an API refusing the token would; everything else is 200.
    api = await startHttpFake((req, res) => {
      const code = /^\/api\/status\/(\d{3})$/.exec(req.path)?.[1];
      if (!code) return sendJson(res, 200, { ok: true });
      const challenge: Record<string, string> = code === '401' ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {};
      sendJson(res, Number(code), { error: { message: `refused with ${code}` } }, challenge);
    });
    elsewhere = await startHttpFake((_req, res) => sendJson(res, 200, { ok: true }));
    const created = await session.post('/v1/connections', {
      platform: 'http_bearer',
      name: 'internal api',
      config: { base_url: `${api.url}/api`, token },
      test: true,
    });
    connectionId = expectStatus(created, 201, 'connection').body.id;
  });

  afterAll(async () => {
    await Promise.all([api?.close(), elsewhere?.close()]);
  });

  const runTo = async (url: string, id = connectionId, headers: Record<string, string> = {}) => {
    const agent = await createAgent(
      session.client,
      stepsAgent([{ id: 'call', type: 'http', with: { method: 'GET', url, connection_id: id, headers } }]),
    );
    const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: {}, wait_timeout_ms: 20_000 });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('authenticates a request under the base URL', async () => {
    const run = await runTo(`${api.url}/api/things`);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'succeeded', error: null });
    expect(api.requests.at(-1)).toMatchObject({ path: '/api/things', headers: { authorization: `Bearer ${token}` } });
  });

  it('refuses to send the credentials to another host or outside the base path, sending nothing', async () => {
    const before = api.requests.length;
    for (const url of [`${elsewhere.url}/api/things`, `${api.url}/other`]) {
      const run = await runTo(url);
      expect(run.status).toBe('failed');
      expect(run.error).toMatchObject({ code: 'INVALID_STEP_INPUT', step_id: 'call' });
      expect(JSON.stringify(run)).not.toContain(token);
    }
    expect(elsewhere.requests).toHaveLength(0);
    expect(api.requests.length).toBe(before);
  });

  describe('when the API refuses the request', () => {
    const activeConnection = async (name: string) => {
      const res = await session.post('/v1/connections', {
        platform: 'http_bearer',
        name,
        config: { base_url: `${api.url}/api`, token },
        test: true,
      });
      const created = expectStatus(res, 201, 'connection').body;
      expect(created.status).toBe('active');
      return created.id as string;
    };
    const connection = async (id: string) => expectStatus(await session.get(`/v1/connections/${id}`), 200, 'connection').body;

    it('401: the step outputs the response as before, and the connection turns error', async () => {
      const id = await activeConnection('refused api');

      const run = await runTo(`${api.url}/api/status/401`, id);

      expect({ status: run.status, error: run.error }).toEqual({ status: 'succeeded', error: null });
      expect(run.steps[0]).toMatchObject({
        step_id: 'call',
        status: 'succeeded',
        output: {
          status: 401,
          body: { error: { message: 'refused with 401' } },
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        },
      });
      const refused = await connection(id);
      expect(refused).toMatchObject({ status: 'error', error_message: expect.stringContaining('Credentials refused during an http step') });
      expect(refused.error_message).toContain(`HTTP 401 from GET ${api.url}/api/status/401`);
      expect(JSON.stringify(refused)).not.toContain(token);

      // Marked failed, the connection authenticates nothing more until it is tested again.
      const next = await runTo(`${api.url}/api/things`, id);
      expect(next.error).toMatchObject({ code: 'INTEGRATION_NOT_CONNECTED', step_id: 'call' });
    });

    it('403: the step outputs the response, and the connection stays active', async () => {
      const id = await activeConnection('forbidding api');

      const run = await runTo(`${api.url}/api/status/403`, id);

      expect(run.status).toBe('succeeded');
      expect(run.steps[0]).toMatchObject({ status: 'succeeded', output: { status: 403 } });
      expect(await connection(id)).toMatchObject({ status: 'active', error_message: null });
    });

    it('401 to an Authorization header the step wrote itself: the connection is not blamed', async () => {
      const id = await activeConnection('overridden api');

      const run = await runTo(`${api.url}/api/status/401`, id, { Authorization: 'Bearer the-steps-own-token' });

      expect(run.steps[0]).toMatchObject({ status: 'succeeded', output: { status: 401 } });
      expect(api.requests.at(-1)).toMatchObject({ headers: { authorization: 'Bearer the-steps-own-token' } });
      expect(await connection(id)).toMatchObject({ status: 'active' });
    });
  });
});
