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
    api = await startHttpFake((_req, res) => sendJson(res, 200, { ok: true }));
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

  const runTo = async (url: string) => {
    const agent = await createAgent(
      session.client,
      stepsAgent([{ id: 'call', type: 'http', with: { method: 'GET', url, connection_id: connectionId } }]),
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
});
