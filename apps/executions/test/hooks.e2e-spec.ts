import { agentFactory, ApiClient, sharedStack, StackInfo, TestSession, waitFor } from '@agentry/testing';
import { createHmac } from 'node:crypto';
import { createAgent, waitForExecution } from './support/runs';

describe('inbound hooks (HTTP through the gateway, real services)', () => {
  let stack: StackInfo;
  let session: TestSession;
  let anonymous: ApiClient;

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
    anonymous = new ApiClient(stack.gatewayUrl);
  });

  async function hookOf(agentId: string) {
    const res = await session.get(`/v1/agents/${agentId}/hook`);
    expect(res.status).toBe(200);
    return res.body as { hook_id: string; url: string; key: string; signing_secret: string };
  }

  const pathOf = (url: string) => new URL(url).pathname;
  const input = () => ({ email: `hook.${Date.now()}@example.com`, employees: 500 });

  it('gives each agent a hook (the same on every read) and runs the agent with the body as input', async () => {
    const agent = await createAgent(session.client, agentFactory());
    const hook = await hookOf(agent.id);
    expect(hook).toMatchObject({
      hook_id: expect.stringMatching(/^hook_[0-9A-Z]{26}$/),
      agent_id: agent.id,
      url: expect.stringMatching(/\/v1\/hooks\/hook_[0-9A-Z]{26}$/),
      key: expect.stringMatching(/^hk_/),
      signing_secret: expect.stringMatching(/^hsec_/),
    });
    expect(await hookOf(agent.slug)).toEqual(hook);
    const body = input();

    const res = await anonymous.post(pathOf(hook.url), body, { headers: { 'X-API-Key': hook.key } });

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ execution_id: expect.stringMatching(/^exe_/), status: 'queued' });
    const run = await waitForExecution(session.client, res.body.execution_id);
    expect(run).toMatchObject({ status: 'succeeded', input: body, trigger_type: 'hook', trigger_id: hook.hook_id, output: { score: 90 } });
  });

  it('accepts an HMAC signature of the raw body instead of the key (Agentry and GitHub formats)', async () => {
    const agent = await createAgent(session.client, agentFactory());
    const hook = await hookOf(agent.id);
    const raw = JSON.stringify(input());
    const t = Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', hook.signing_secret).update(`${t}.${raw}`).digest('hex');
    const github = `sha256=${createHmac('sha256', hook.signing_secret).update(raw).digest('hex')}`;
    const json = { 'content-type': 'application/json' };

    const signed = await anonymous.post(pathOf(hook.url), undefined, {
      raw,
      headers: { ...json, 'X-Agentry-Signature': `t=${t},v1=${v1}` },
    });
    const fromGithub = await anonymous.post(pathOf(hook.url), undefined, { raw, headers: { ...json, 'X-Hub-Signature-256': github } });
    const stale = await anonymous.post(pathOf(hook.url), undefined, {
      raw,
      headers: {
        ...json,
        'X-Agentry-Signature': `t=${t - 600},v1=${createHmac('sha256', hook.signing_secret)
          .update(`${t - 600}.${raw}`)
          .digest('hex')}`,
      },
    });
    const tampered = await anonymous.post(pathOf(hook.url), undefined, {
      raw: raw.replace('500', '501'),
      headers: { ...json, 'X-Agentry-Signature': `t=${t},v1=${v1}` },
    });

    expect([signed.status, fromGithub.status, stale.status, tampered.status]).toEqual([202, 202, 401, 401]);
    expect(tampered.body.error.code).toBe('UNAUTHORIZED');
  });

  it('answers 401 for a wrong or missing key, 404 for an unknown hook, and starts nothing', async () => {
    const agent = await createAgent(session.client, agentFactory());
    const hook = await hookOf(agent.id);

    const wrong = await anonymous.post(pathOf(hook.url), input(), { headers: { 'X-API-Key': 'hk_wrong' } });
    const missing = await anonymous.post(pathOf(hook.url), input());
    const unknown = await anonymous.post('/v1/hooks/hook_01JD0000000000000000000000', input(), { headers: { 'X-API-Key': hook.key } });
    const malformed = await anonymous.post('/v1/hooks/nope', input(), { headers: { 'X-API-Key': hook.key } });

    expect([wrong.status, missing.status, unknown.status, malformed.status]).toEqual([401, 401, 404, 404]);
    expect(missing.body.error.message).toMatch(/X-API-Key/);
    expect((await session.get(`/v1/agents/${agent.id}/executions`)).body.data).toEqual([]);
  });

  it('answers 415 for a body that is not JSON, 413 for one too large, 400 for a JSON array or an input the schema refuses', async () => {
    const agent = await createAgent(session.client, agentFactory());
    const hook = await hookOf(agent.id);
    const key = { 'X-API-Key': hook.key };

    const text = await anonymous.post(pathOf(hook.url), undefined, { raw: 'hello', headers: { ...key, 'content-type': 'text/plain' } });
    const large = await anonymous.post(
      pathOf(hook.url),
      { email: 'a@b.co', employees: 1, pad: 'x'.repeat(2 * 1024 * 1024) },
      { headers: key },
    );
    const array = await anonymous.post(pathOf(hook.url), [1, 2], { headers: key });
    const invalid = await anonymous.post(pathOf(hook.url), { email: 'not an email' }, { headers: key });

    expect([text.status, large.status, array.status, invalid.status]).toEqual([415, 413, 400, 400]);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(large.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(invalid.body.error.details).toEqual(expect.arrayContaining([{ field: 'input.employees', reason: 'required' }]));
  });

  it('answers 409 AGENT_PAUSED while the agent is paused', async () => {
    const agent = await createAgent(session.client, agentFactory());
    const hook = await hookOf(agent.id);
    await session.post(`/v1/agents/${agent.id}/pause`);

    let status = 0;
    await waitFor(async () => {
      status = (await anonymous.post(pathOf(hook.url), input(), { headers: { 'X-API-Key': hook.key } })).status;
      return status === 409;
    }, 10_000);

    expect(status).toBe(409);
  });

  it('rotates the key and secret: the old ones stop working at once, the URL stays', async () => {
    const agent = await createAgent(session.client, agentFactory());
    const before = await hookOf(agent.id);

    const rotated = await session.post(`/v1/agents/${agent.id}/hook/rotate`);

    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ hook_id: before.hook_id, url: before.url, rotated_at: expect.any(String) });
    expect(rotated.body.key).not.toBe(before.key);
    expect(rotated.body.signing_secret).not.toBe(before.signing_secret);
    expect((await anonymous.post(pathOf(before.url), input(), { headers: { 'X-API-Key': before.key } })).status).toBe(401);
    expect((await anonymous.post(pathOf(before.url), input(), { headers: { 'X-API-Key': rotated.body.key } })).status).toBe(202);
  });

  it('starts one run for a repeated Idempotency-Key', async () => {
    const agent = await createAgent(session.client, agentFactory());
    const hook = await hookOf(agent.id);
    const headers = { 'X-API-Key': hook.key, 'Idempotency-Key': 'delivery-1' };

    const first = await anonymous.post(pathOf(hook.url), input(), { headers });
    const second = await anonymous.post(pathOf(hook.url), input(), { headers });

    expect(second.body.execution_id).toBe(first.body.execution_id);
  });

  it('guards the hook credentials: agents:write scope, and 404 for another workspace', async () => {
    const agent = await createAgent(session.client, agentFactory());
    const reader = await session.keyWith(['agents:read']);
    const other = await TestSession.create(stack);

    expect((await reader.get(`/v1/agents/${agent.id}/hook`)).status).toBe(403);
    expect((await other.get(`/v1/agents/${agent.id}/hook`)).status).toBe(404);
    expect((await other.post(`/v1/agents/${agent.id}/hook/rotate`)).status).toBe(404);
  });
});
