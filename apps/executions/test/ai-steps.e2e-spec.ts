import type { ExecutionView, StepDto } from '@agentry/contracts';
import {
  expectStatus,
  FakeLlm,
  FakeSlack,
  sharedStack,
  StackInfo,
  startFakeAnthropic,
  startFakeOpenAi,
  startFakeSlack,
  startTestMcpServer,
  TestMcpServer,
  TestSession,
} from '@agentry/testing';
import { createAgent, stepsAgent } from './support/runs';

/** The tool messages a model received in one chat request (OpenAI wire format). */
const toolMessages = (req: any) => req.messages.filter((m: { role: string }) => m.role === 'tool');

describe('llm, agent and tool steps (real services, fake model servers, a real MCP server)', () => {
  let stack: StackInfo;
  let session: TestSession;
  let openai: FakeLlm;
  let anthropic: FakeLlm;
  let slack: FakeSlack;
  let mcp: TestMcpServer;
  let openaiId: string;
  let anthropicId: string;

  const connect = async (platform: string, config: Record<string, unknown>) => {
    const res = expectStatus(
      await session.post('/v1/connections', { platform, name: `${platform} (ai e2e)`, config, test: true }),
      201,
      platform,
    );
    if (res.body.status !== 'active') throw new Error(`${platform}: ${res.body.error_message}`);
    return res.body.id as string;
  };

  /** Creates an agent with these steps and runs it synchronously; the finished execution. */
  const run = async (
    steps: Partial<StepDto>[],
    input: Record<string, unknown> = {},
    agent: Record<string, unknown> = {},
  ): Promise<ExecutionView> => {
    const created = await createAgent(session.client, { ...stepsAgent(steps), ...agent });
    const res = await session.post(`/v1/agents/${created.id}/runs`, { input, wait_timeout_ms: 45_000 });
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
    [openai, anthropic, slack, mcp] = await Promise.all([startFakeOpenAi(), startFakeAnthropic(), startFakeSlack(), startTestMcpServer()]);
    openaiId = await connect('openai', { base_url: `${openai.url}/v1`, api_key: 'sk-proj-e2e-1234567890' });
    anthropicId = await connect('anthropic', { base_url: anthropic.url, api_key: 'sk-ant-e2e-1234567890' });
    await connect('slack', { bot_token: slack.token, base_url: slack.apiUrl });
    await connect('mcp', { url: mcp.url, auth_token: mcp.token });
  });

  afterAll(async () => {
    await Promise.all([openai?.close(), anthropic?.close(), slack?.close(), mcp?.close()]);
  });

  describe('agent', () => {
    const agentStep = (extra: Record<string, unknown> = {}): Partial<StepDto> => ({
      id: 'qualify',
      type: 'agent',
      with: {
        connection_id: openaiId,
        model: 'gpt-e2e',
        instructions: 'Qualify the lead, then tell #sales about it.',
        tools: ['mcp.lookup_customer', 'slack.post_message'],
        max_turns: 5,
        ...extra,
      },
    });

    it('runs the loop: parallel MCP lookups, a Slack message, then the answer', async () => {
      openai.setBrain((req) => {
        const results = toolMessages(req);
        if (results.length === 0) {
          return {
            toolCalls: [
              { id: 'c1', name: 'mcp__lookup_customer', arguments: { email: 'ada@example.com' } },
              { id: 'c2', name: 'mcp__lookup_customer', arguments: { email: 'alan@example.com' } },
            ],
            usage: { input: 100, output: 20 },
          };
        }
        if (results.length === 2)
          return {
            toolCalls: [{ id: 'c3', name: 'slack__post_message', arguments: { channel: '#sales', text: 'Ada: enterprise, 250 seats' } }],
            usage: { input: 200, output: 15 },
          };
        return { text: 'Ada is a hot lead (enterprise, 250 seats); #sales knows.', usage: { input: 250, output: 12 } };
      });

      const exe = await run([agentStep()], { email: 'ada@example.com' });

      expect(exe.status).toBe('succeeded');
      const step = exe.steps[0];
      expect(step.output).toMatchObject({
        text: 'Ada is a hot lead (enterprise, 250 seats); #sales knows.',
        turns: 3,
        usage: { input_tokens: 550, output_tokens: 47, total_tokens: 597 },
        model: 'gpt-e2e',
        tool_calls: [
          { turn: 1, name: 'mcp.lookup_customer', arguments: { email: 'ada@example.com' }, is_error: false },
          { turn: 1, name: 'mcp.lookup_customer', arguments: { email: 'alan@example.com' }, is_error: false },
          { turn: 2, name: 'slack.post_message', arguments: { channel: '#sales', text: 'Ada: enterprise, 250 seats' }, is_error: false },
        ],
      });
      expect(step.tokens_used).toBe(597);
      expect(exe.tokens_used).toBe(597);
      expect(slack.messages).toContainEqual({ channel: '#sales', text: 'Ada: enterprise, 250 seats' });
      expect(mcp.calls.filter((c) => c.name === 'lookup_customer').map((c) => c.arguments.email)).toEqual(
        expect.arrayContaining(['ada@example.com', 'alan@example.com']),
      );
      const calls = openai.calls();
      expect(calls[0].tools.map((t: { function: { name: string } }) => t.function.name)).toEqual([
        'mcp__lookup_customer',
        'slack__post_message',
      ]);
      expect(calls[0].messages[0]).toEqual({ role: 'system', content: 'Qualify the lead, then tell #sales about it.' });
      expect(calls[0].messages[1]).toEqual({ role: 'user', content: '{"email":"ada@example.com"}' });
      expect(
        toolMessages(calls[1])
          .map((m: { content: string }) => m.content)
          .join(),
      ).toContain('Ada Lovelace');
      const logs = (await session.get(`/v1/executions/${exe.id}/logs`, { query: { limit: 100 } })).body.data;
      const subSteps = logs
        .filter((l: { data: { sub_step?: string } | null }) => l.data?.sub_step)
        .map((l: { data: { sub_step: string } }) => l.data.sub_step);
      expect(subSteps).toEqual(['model_call', 'tool_call', 'tool_call', 'model_call', 'tool_call', 'model_call']);
    });

    it('feeds a tool error back to the model, which recovers', async () => {
      openai.setBrain((req) => {
        const results = toolMessages(req);
        if (results.length === 0) return { toolCalls: [{ name: 'slack__post_message', arguments: { channel: '#nowhere', text: 'hi' } }] };
        if (results.length === 1) {
          expect(results[0].content).toContain('channel_not_found');
          return { toolCalls: [{ name: 'slack__post_message', arguments: { channel: '#general', text: 'hi again' } }] };
        }
        return { text: 'Posted in #general instead.' };
      });

      const exe = await run([agentStep()]);

      expect(exe.status).toBe('succeeded');
      expect((exe.steps[0].output as any).tool_calls.map((c: { is_error: boolean }) => c.is_error)).toEqual([true, false]);
    });

    it('runs the loop against the Anthropic Messages API (tool_use blocks)', async () => {
      anthropic.setBrain((req) => {
        const last = req.messages.at(-1);
        const hasResult = Array.isArray(last.content) && last.content.some((b: { type: string }) => b.type === 'tool_result');
        if (!hasResult)
          return {
            text: 'Let me look.',
            toolCalls: [{ id: 'toolu_1', name: 'mcp__lookup_customer', arguments: { email: 'alan@example.com' } }],
          };
        return { text: 'Alan is on the free plan.' };
      });

      const exe = await run([agentStep({ connection_id: anthropicId, model: 'claude-e2e', tools: ['mcp.lookup_customer'] })]);

      expect(exe.status).toBe('succeeded');
      expect(exe.steps[0].output).toMatchObject({ text: 'Alan is on the free plan.', turns: 2 });
      const second = anthropic.calls()[1];
      expect(second.system).toBe('Qualify the lead, then tell #sales about it.');
      expect(second.messages.at(-1).content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_1' });
    });

    it('fails with MAX_TURNS_EXCEEDED when the model never stops asking for tools', async () => {
      openai.setBrain(() => ({ toolCalls: [{ name: 'mcp__lookup_customer', arguments: { email: 'ada@example.com' } }] }));

      const exe = await run([agentStep({ max_turns: 2 })]);

      expect(exe.status).toBe('failed');
      expect(exe.error).toMatchObject({
        code: 'MAX_TURNS_EXCEEDED',
        step_id: 'qualify',
        message: expect.stringContaining('max_turns (2)'),
      });
      expect(openai.calls()).toHaveLength(2);
    });

    it("stops a runaway loop at the agent's max_tokens_per_run", async () => {
      openai.setBrain(() => ({
        toolCalls: [{ name: 'mcp__lookup_customer', arguments: { email: 'ada@example.com' } }],
        usage: { input: 25, output: 5 },
      }));

      const exe = await run([agentStep({ max_turns: 20 })], {}, { max_tokens_per_run: 50 });

      expect(exe.status).toBe('failed');
      expect(exe.error).toMatchObject({ code: 'TOKEN_BUDGET_EXCEEDED', message: expect.stringContaining('max_tokens_per_run of 50') });
      expect(openai.calls()).toHaveLength(2);
      // The failed step's model calls are counted: 2 × 30 tokens.
      expect(exe.steps[0].tokens_used).toBe(60);
      expect(exe.tokens_used).toBe(60);
    });

    it('fails with INTEGRATION_NOT_CONNECTED when a tool has no active connection', async () => {
      openai.setBrain(() => ({ text: 'unused' }));

      const exe = await run([agentStep({ tools: ['github.create_issue'] })]);

      expect(exe.error).toMatchObject({ code: 'INTEGRATION_NOT_CONNECTED', message: expect.stringContaining('github.create_issue') });
      expect(openai.calls()).toHaveLength(0);
    });
  });

  describe('llm', () => {
    const llmStep = (extra: Record<string, unknown> = {}): Partial<StepDto> => ({
      id: 'score',
      type: 'llm',
      with: { connection_id: openaiId, model: 'gpt-e2e', prompt: 'Score this lead: {{ input.company }}', ...extra },
    });
    const schema = {
      type: 'object',
      required: ['score', 'tier'],
      additionalProperties: false,
      properties: { score: { type: 'integer', minimum: 0, maximum: 100 }, tier: { enum: ['hot', 'warm', 'cold'] } },
    };

    it('answers with text, usage, model and finish_reason; prompt templates are filled in', async () => {
      openai.setBrain(() => ({ text: 'A solid lead.', usage: { input: 11, output: 4 } }));

      const exe = await run([llmStep()], { company: 'Acme' });

      expect(exe.status).toBe('succeeded');
      expect(exe.steps[0].output).toEqual({
        text: 'A solid lead.',
        usage: { input_tokens: 11, output_tokens: 4, total_tokens: 15 },
        model: 'gpt-e2e',
        finish_reason: 'stop',
      });
      expect(exe.tokens_used).toBe(15);
      expect(openai.calls()[0].messages).toEqual([{ role: 'user', content: 'Score this lead: Acme' }]);
    });

    it('validates structured output against response_schema', async () => {
      openai.setBrain(() => ({ text: '```json\n{"score": 92, "tier": "hot"}\n```' }));

      const exe = await run([llmStep({ response_schema: schema })]);

      expect(exe.status).toBe('succeeded');
      expect(exe.steps[0].output).toMatchObject({ json: { score: 92, tier: 'hot' } });
      const sent = openai.calls()[0];
      expect(sent.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema } });
      expect(sent.messages[0].role).toBe('system');
    });

    it('retries an invalid answer once with the validation errors', async () => {
      openai.setBrain((_, n) => (n === 1 ? { text: '{"score": 250, "tier": "lukewarm"}' } : { text: '{"score": 70, "tier": "warm"}' }));

      const exe = await run([llmStep({ response_schema: schema })]);

      expect(exe.status).toBe('succeeded');
      expect(exe.steps[0].output).toMatchObject({ json: { score: 70, tier: 'warm' }, usage: { total_tokens: 30 } });
      const retry = openai.calls()[1].messages;
      expect(retry.at(-2)).toEqual({ role: 'assistant', content: '{"score": 250, "tier": "lukewarm"}' });
      expect(retry.at(-1).content).toContain('/score: must be <= 100');
      expect(retry.at(-1).content).toContain('/tier: must be equal to one of the allowed values');
    });

    it('fails with LLM_OUTPUT_INVALID when the retry is invalid too, counting both calls in tokens_used', async () => {
      openai.setBrain(() => ({ text: 'I think it is a hot lead!', usage: { input: 20, output: 7 } }));

      const exe = await run([llmStep({ response_schema: schema })]);

      expect(exe.status).toBe('failed');
      expect(exe.error).toMatchObject({ code: 'LLM_OUTPUT_INVALID', message: expect.stringContaining('not JSON') });
      expect(exe.steps[0].output).toMatchObject({ text: 'I think it is a hot lead!' });
      expect(openai.calls()).toHaveLength(2);
      expect(exe.steps[0].tokens_used).toBe(54);
      expect(exe.tokens_used).toBe(54);
    });

    it('uses the agent defaults (llm.connection_id, llm.model) and the Anthropic API', async () => {
      anthropic.setBrain(() => ({ text: 'Bonjour', usage: { input: 3, output: 2 } }));

      const exe = await run(
        [{ id: 'hi', type: 'llm', with: { prompt: 'Say hi in French', system: 'Be brief' } }],
        {},
        { llm: { connection_id: anthropicId, model: 'claude-e2e' } },
      );

      expect(exe.status).toBe('succeeded');
      expect(exe.steps[0].output).toMatchObject({ text: 'Bonjour', model: 'claude-e2e', finish_reason: 'stop' });
      expect(anthropic.calls()[0]).toMatchObject({
        model: 'claude-e2e',
        system: 'Be brief',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hi in French' }] }],
      });
    });

    it('fails with LLM_PROVIDER_ERROR when the provider stays down, after retrying with backoff', async () => {
      openai.setBrain(() => ({ error: { status: 503, message: 'upstream overloaded' } }));

      const exe = await run([llmStep()]);

      expect(exe.status).toBe('failed');
      expect(exe.error).toMatchObject({
        code: 'LLM_PROVIDER_ERROR',
        message: expect.stringContaining('HTTP 503: upstream overloaded (after 4 attempts)'),
      });
      expect(openai.calls()).toHaveLength(4);
    });

    it('honours Retry-After on a 429 and then succeeds', async () => {
      openai.setBrain((_, n) => (n === 1 ? { error: { status: 429, headers: { 'retry-after': '1' } } } : { text: 'after the wait' }));

      const exe = await run([llmStep()]);

      expect(exe.steps[0].output).toMatchObject({ text: 'after the wait' });
    });

    it('fails with INTEGRATION_NOT_CONNECTED for a connection that does not exist', async () => {
      const exe = await run([llmStep({ connection_id: 'con_01JD0000000000000000000000' })]);

      expect(exe.status).toBe('failed');
      expect(exe.error).toMatchObject({ code: 'INTEGRATION_NOT_CONNECTED', step_id: 'score' });
    });
  });

  describe('tool', () => {
    it('calls one tool with templated arguments and outputs its result', async () => {
      const exe = await run(
        [
          {
            id: 'notify',
            type: 'tool',
            with: { name: 'slack.post_message', arguments: { channel: '#sales', text: 'New lead: {{ input.name }}' } },
          },
        ],
        { name: 'Grace' },
      );

      expect(exe.status).toBe('succeeded');
      expect(exe.steps[0].output).toMatchObject({ ok: true, channel: 'C0SALES', text: 'New lead: Grace' });
      expect(slack.messages).toContainEqual({ channel: '#sales', text: 'New lead: Grace' });
    });

    it('fails with INVALID_STEP_INPUT naming the argument, and INTEGRATION_NOT_CONNECTED for a missing connection', async () => {
      const bad = await run([{ id: 't', type: 'tool', with: { name: 'slack.post_message', arguments: { channel: '#sales' } } }]);
      const missing = await run([
        { id: 't', type: 'tool', with: { name: 'github.create_issue', arguments: { owner: 'a', repo: 'b', title: 'c' } } },
      ]);

      expect(bad.error).toMatchObject({ code: 'INVALID_STEP_INPUT', message: expect.stringContaining('arguments.text is required') });
      expect(missing.error).toMatchObject({
        code: 'INTEGRATION_NOT_CONNECTED',
        message: expect.stringContaining('GitHub is not connected'),
      });
    });

    it('fails with TOOL_CALL_FAILED when the tool reports an error, keeping its result as output', async () => {
      const exe = await run([
        { id: 't', type: 'tool', with: { name: 'mcp.lookup_customer', arguments: { email: 'nobody@example.com' } }, on_error: 'continue' },
      ]);

      expect(exe.status).toBe('succeeded');
      expect(exe.steps[0]).toMatchObject({
        status: 'failed',
        error: { code: 'TOOL_CALL_FAILED' },
        output: { content: [{ text: expect.stringContaining('No customer') }] },
      });
    });
  });
});
