import { expectStatus, FakeLlm, HttpFake, sendJson, sharedStack, startFakeOpenAi, startHttpFake, TestSession } from '@agentry/testing';

/** The shipped "lead qualification" template, end to end against an OpenAI-compatible server. */
describe('lead-qualification template (real services, fake OpenAI-compatible model, fake CRM)', () => {
  let session: TestSession;
  let model: FakeLlm;
  let crm: HttpFake;
  let agentId: string;

  beforeAll(async () => {
    session = await TestSession.create(sharedStack());
    model = await startFakeOpenAi();
    crm = await startHttpFake((_req, res) => sendJson(res, 200, { ok: true }));
    const connection = expectStatus(
      await session.post('/v1/connections', {
        platform: 'openai',
        name: 'local model',
        config: { base_url: `${model.url}/v1`, api_key: 'sk-local-0000000000' },
        test: true,
      }),
      201,
      'connection',
    );
    const agent = expectStatus(
      await session.post('/v1/agent-templates/lead-qualification/use', { llm: { connection_id: connection.body.id, model: 'llama3.1' } }),
      201,
      'use template',
    );
    agentId = agent.body.id;
  });

  afterAll(async () => {
    await Promise.all([model?.close(), crm?.close()]);
  });

  it('scores a lead with the model, posts a hot lead to the CRM and returns the qualification', async () => {
    model.setBrain(() => ({
      text: JSON.stringify({ score: 86, tier: 'hot', reasons: ['500 employees', 'business domain', 'asks for a demo'] }),
    }));
    const res = await session.post(`/v1/agents/${agentId}/runs`, {
      input: {
        email: 'Ada@Example.com',
        company: 'Example Ltd',
        employees: 500,
        message: 'We need a demo next week',
        crm_webhook_url: `${crm.url}/leads`,
      },
      wait_timeout_ms: 30_000,
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('succeeded');
    expect(res.body.output).toEqual({
      email: 'ada@example.com',
      company: 'Example Ltd',
      score: 86,
      tier: 'hot',
      reasons: ['500 employees', 'business domain', 'asks for a demo'],
      sent_to_crm: true,
    });
    expect(res.body.tokens_used).toBeGreaterThan(0);
    const [call] = model.calls();
    expect(call.model).toBe('llama3.1');
    expect(JSON.stringify(call.messages)).toContain('example.com');
    expect(crm.requests).toHaveLength(1);
    expect(crm.requests[0]).toMatchObject({ method: 'POST', path: '/leads', body: { email: 'ada@example.com', tier: 'hot', score: 86 } });
  });

  it('skips the CRM for a cold lead', async () => {
    model.setBrain(() => ({ text: JSON.stringify({ score: 12, tier: 'cold', reasons: ['free email'] }) }));
    const before = crm.requests.length;
    const res = await session.post(`/v1/agents/${agentId}/runs`, {
      input: { email: 'someone@gmail.com', crm_webhook_url: `${crm.url}/leads` },
      wait_timeout_ms: 30_000,
    });
    expect(res.status).toBe(200);
    expect(res.body.output).toMatchObject({ tier: 'cold', score: 12, sent_to_crm: false });
    expect(res.body.steps.find((s: { step_id: string }) => s.step_id === 'notify_crm').status).toBe('skipped');
    expect(crm.requests.length).toBe(before);
  });
});
