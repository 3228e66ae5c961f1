import type { ExecutionView } from '@agentry/contracts';
import { expectStatus, FakeLlm, sharedStack, startFakeOpenAi, TestSession } from '@agentry/testing';
import { createAgent, stepsAgent } from './support/runs';

describe('an llm step whose provider refuses the key (real services, a fake OpenAI-compatible server)', () => {
  let session: TestSession;
  let openai: FakeLlm;
  const apiKey = `sk-proj-e2e-${Date.now()}-revoked`;

  const run = async (connectionId: string): Promise<ExecutionView> => {
    const agent = await createAgent(
      session.client,
      stepsAgent([{ id: 'ask', type: 'llm', with: { connection_id: connectionId, model: 'gpt-e2e', prompt: 'Hello?' } }]),
    );
    return expectStatus(await session.post(`/v1/agents/${agent.id}/runs`, { input: {}, wait_timeout_ms: 30_000 }), 200, 'run').body;
  };

  beforeAll(async () => {
    session = await TestSession.create(sharedStack());
    openai = await startFakeOpenAi();
  });

  afterAll(async () => {
    await openai?.close();
  });

  it('fails the step with INTEGRATION_NOT_CONNECTED and marks the connection error; a good test makes it active again', async () => {
    const created = expectStatus(
      await session.post('/v1/connections', {
        platform: 'openai',
        name: 'OpenAI (revoked)',
        config: { base_url: `${openai.url}/v1`, api_key: apiKey },
        test: true,
      }),
      201,
      'connection',
    ).body;
    expect(created.status).toBe('active');
    // Like OpenAI, the refusal echoes the key it got: it must not land anywhere.
    openai.setBrain(() => ({ error: { status: 401, message: `Incorrect API key provided: ${apiKey}.` } }));

    const exe = await run(created.id);

    expect(exe.status).toBe('failed');
    expect(exe.steps[0]).toMatchObject({ step_id: 'ask', status: 'failed', error: { code: 'INTEGRATION_NOT_CONNECTED' } });
    expect(exe.steps[0].error?.message).toContain(`connection ${created.id} is now error`);
    expect(openai.calls()).toHaveLength(1);
    const connection = expectStatus(await session.get(`/v1/connections/${created.id}`), 200, 'connection').body;
    expect(connection).toMatchObject({ status: 'error', error_message: expect.stringContaining('during a model call') });
    expect(connection.error_message).toContain('HTTP 401');
    expect(JSON.stringify(connection)).not.toContain(apiKey);
    expect(JSON.stringify(exe)).not.toContain(apiKey);

    // The next run is refused before any call to the provider.
    const next = await run(created.id);
    expect(next.steps[0].error).toMatchObject({
      code: 'INTEGRATION_NOT_CONNECTED',
      message: expect.stringContaining('its status is error'),
    });
    expect(openai.calls()).toHaveLength(1);

    openai.setBrain(() => ({ text: 'hi' }));
    expect((await session.post(`/v1/connections/${created.id}/test`)).body).toMatchObject({ status: 'active' });
    expect((await run(created.id)).status).toBe('succeeded');
  });

  it('leaves the connection active on a 403 (no access to one model is not a bad key)', async () => {
    const created = expectStatus(
      await session.post('/v1/connections', {
        platform: 'openai',
        name: 'OpenAI (no access to a model)',
        config: { base_url: `${openai.url}/v1`, api_key: `${apiKey}-403` },
        test: true,
      }),
      201,
      'connection',
    ).body;
    openai.setBrain(() => ({ error: { status: 403, message: 'You are not allowed to sample from this model' } }));

    const exe = await run(created.id);

    expect(exe.steps[0].error).toMatchObject({ code: 'INTEGRATION_NOT_CONNECTED' });
    expect((await session.get(`/v1/connections/${created.id}`)).body.status).toBe('active');
  });
});
