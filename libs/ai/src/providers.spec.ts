import { FakeLlm, startFakeAnthropic, startFakeOpenAi, startHttpFake } from '@agentry/testing';
import { AnthropicProvider, toAnthropic } from './anthropic/anthropic.provider';
import { ProviderError } from './errors';
import { backoffMs, retryAfterMs } from './http/retry';
import { OpenAiProvider } from './openai/openai.provider';
import { createProvider } from './provider-factory';
import { ChatMessage } from './types';

const http = { allowPrivateNetworks: true, retryBaseMs: 20, maxRetries: 2 };
const lookup = {
  name: 'crm__lookup',
  description: 'Find a customer',
  parameters: { type: 'object', properties: { email: { type: 'string' } } },
};

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

describe(OpenAiProvider.name, () => {
  let fake: FakeLlm;
  let sut: OpenAiProvider;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    sut = new OpenAiProvider({ baseUrl: `${fake.url}/v1`, apiKey: 'sk-test-1234', http });
  });
  afterAll(() => fake.close());

  it('sends messages and tools, and reads tool_calls and usage', async () => {
    fake.setBrain(() => ({
      toolCalls: [{ id: 'call_a', name: 'crm__lookup', arguments: { email: 'ada@example.com' } }],
      usage: { input: 30, output: 7 },
    }));

    const res = await sut.chat({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Who is ada?' }],
      tools: [lookup],
      temperature: 0.2,
      maxTokens: 100,
    });

    expect(res).toEqual({
      text: '',
      toolCalls: [{ id: 'call_a', name: 'crm__lookup', arguments: { email: 'ada@example.com' } }],
      usage: { inputTokens: 30, outputTokens: 7, totalTokens: 37 },
      model: 'gpt-test',
      finishReason: 'tool_calls',
      rawFinishReason: 'tool_calls',
    });
    const sent = fake.calls()[0];
    expect(sent).toMatchObject({
      model: 'gpt-test',
      temperature: 0.2,
      max_tokens: 100,
      tools: [{ type: 'function', function: { name: 'crm__lookup' } }],
    });
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer sk-test-1234');
  });

  it('sends tool results back as tool messages with the assistant tool_calls before them', async () => {
    fake.setBrain(() => ({ text: 'Ada is a customer' }));
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief' },
      { role: 'user', content: 'Who is ada?' },
      { role: 'assistant', content: null, toolCalls: [{ id: 'call_a', name: 'crm__lookup', arguments: { email: 'a@x' } }] },
      { role: 'tool', toolCallId: 'call_a', name: 'crm__lookup', content: '{"plan":"pro"}' },
    ];

    await sut.chat({ model: 'gpt-test', messages });

    expect(fake.calls().at(-1).messages).toEqual([
      { role: 'system', content: 'Be brief' },
      { role: 'user', content: 'Who is ada?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'crm__lookup', arguments: '{"email":"a@x"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"plan":"pro"}' },
    ]);
  });

  it('streams text deltas and assembles tool call fragments, with the usage of the last chunk', async () => {
    fake.setBrain(() => ({
      text: 'Looking that up for you now.',
      toolCalls: [
        { name: 'crm__lookup', arguments: { email: 'ada@example.com' } },
        { name: 'slack__post', arguments: { channel: '#sales', text: 'hello there' } },
      ],
      usage: { input: 12, output: 34 },
    }));
    const deltas: string[] = [];

    const res = await sut.chat({ model: 'gpt-test', messages: [{ role: 'user', content: 'go' }] }, { onText: (d) => deltas.push(d) });

    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Looking that up for you now.');
    expect(res.text).toBe('Looking that up for you now.');
    expect(res.toolCalls).toEqual([
      { id: 'call_1', name: 'crm__lookup', arguments: { email: 'ada@example.com' } },
      { id: 'call_2', name: 'slack__post', arguments: { channel: '#sales', text: 'hello there' } },
    ]);
    expect(res.usage).toEqual({ inputTokens: 12, outputTokens: 34, totalTokens: 46 });
    expect(fake.calls().at(-1)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('asks for JSON with response_format when a response schema is given', async () => {
    fake.setBrain(() => ({ text: '{"score":1}' }));
    const schema = { type: 'object', properties: { score: { type: 'number' } } };

    await sut.chat({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], responseSchema: schema });

    expect(fake.calls().at(-1).response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema } });
  });

  it('waits what Retry-After asks on a 429, then succeeds', async () => {
    fake.setBrain((_, n) =>
      n === 1 ? { error: { status: 429, headers: { 'retry-after': '1' }, message: 'slow down' } } : { text: 'done' },
    );
    const started = Date.now();

    const res = await sut.chat({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] });

    expect(res.text).toBe('done');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.calls()).toHaveLength(2);
  });

  it('gives up on a provider outage after its retries, as a retryable error', async () => {
    fake.setBrain(() => ({ error: { status: 503, message: 'overloaded' } }));

    const err = await failure(sut.chat({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }));

    expect(err).toMatchObject({ kind: 'unavailable', status: 503, retryable: true, attempts: 3 });
    expect(err.message).toContain('HTTP 503: overloaded');
    expect(fake.calls()).toHaveLength(3);
  });

  it('does not retry refused credentials, and never puts the key in the message', async () => {
    // Like OpenAI's own refusal, the fake quotes the key it got.
    fake.setBrain(() => ({ error: { status: 401, message: 'Incorrect API key provided: sk-test-1234.' } }));

    const err = await failure(sut.chat({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }));

    expect(err).toMatchObject({ kind: 'auth', status: 401, retryable: false });
    expect(err.message).toContain('HTTP 401: Incorrect API key provided: [redacted].');
    expect(err.message).not.toContain('sk-test-1234');
    expect(fake.calls()).toHaveLength(1);
  });

  it('refuses private addresses unless allowed', async () => {
    const guarded = new OpenAiProvider({ baseUrl: `${fake.url}/v1`, http: { ...http, allowPrivateNetworks: false } });

    expect(await failure(guarded.chat({ model: 'm', messages: [] }))).toMatchObject({ kind: 'blocked', retryable: false });
  });

  it('times out a server that never answers', async () => {
    const hang = await startHttpFake(() => undefined);
    const slow = new OpenAiProvider({ baseUrl: hang.url, http: { ...http, timeoutMs: 200, maxRetries: 0 } });
    try {
      expect(await failure(slow.chat({ model: 'm', messages: [] }))).toMatchObject({ kind: 'timeout', retryable: true });
    } finally {
      await hang.close();
    }
  });
});

describe(AnthropicProvider.name, () => {
  let fake: FakeLlm;
  let sut: AnthropicProvider;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    sut = new AnthropicProvider({ baseUrl: fake.url, apiKey: 'sk-ant-test', http });
  });
  afterAll(() => fake.close());

  it('scrubs the x-api-key from a refusal that quotes it', async () => {
    fake.setBrain(() => ({ error: { status: 401, message: 'invalid x-api-key sk-ant-test' } }));

    const err = await failure(sut.chat({ model: 'claude-test', messages: [{ role: 'user', content: 'x' }] }));

    expect(err).toMatchObject({ kind: 'auth', status: 401 });
    expect(err.message).toContain('invalid x-api-key [redacted]');
  });

  it('reads tool_use blocks and usage, with the required headers and max_tokens', async () => {
    fake.setBrain(() => ({
      text: 'Let me check.',
      toolCalls: [{ id: 'toolu_1', name: 'crm__lookup', arguments: { email: 'a@x' } }],
      usage: { input: 40, output: 9 },
    }));

    const res = await sut.chat({
      model: 'claude-test',
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'Who?' },
      ],
      tools: [lookup],
    });

    expect(res).toMatchObject({
      text: 'Let me check.',
      toolCalls: [{ id: 'toolu_1', name: 'crm__lookup', arguments: { email: 'a@x' } }],
      usage: { inputTokens: 40, outputTokens: 9, totalTokens: 49 },
      finishReason: 'tool_calls',
      rawFinishReason: 'tool_use',
    });
    expect(fake.calls()[0]).toMatchObject({
      system: 'Be brief',
      max_tokens: 4096,
      tools: [{ name: 'crm__lookup', input_schema: lookup.parameters }],
    });
    expect(fake.requests.at(-1)!.headers).toMatchObject({ 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' });
  });

  it('streams text and tool_use input deltas', async () => {
    fake.setBrain(() => ({
      text: 'Checking the CRM now.',
      toolCalls: [{ name: 'crm__lookup', arguments: { email: 'ada@example.com' } }],
      usage: { input: 5, output: 20 },
    }));
    const deltas: string[] = [];

    const res = await sut.chat({ model: 'claude-test', messages: [{ role: 'user', content: 'go' }] }, { onText: (d) => deltas.push(d) });

    expect(deltas.join('')).toBe('Checking the CRM now.');
    expect(res.toolCalls).toEqual([{ id: 'toolu_1', name: 'crm__lookup', arguments: { email: 'ada@example.com' } }]);
    expect(res.usage).toEqual({ inputTokens: 5, outputTokens: 20, totalTokens: 25 });
    expect(res.finishReason).toBe('tool_calls');
  });

  it('retries an overloaded (529) answer', async () => {
    fake.setBrain((_, n) => (n === 1 ? { error: { status: 529, message: 'Overloaded' } } : { text: 'fine' }));

    expect((await sut.chat({ model: 'claude-test', messages: [{ role: 'user', content: 'x' }] })).text).toBe('fine');
  });
});

describe('message conversion and retry timing', () => {
  it('turns tool results into one user turn of tool_result blocks', () => {
    const converted = toAnthropic([
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: 'Two lookups',
        toolCalls: [
          { id: 't1', name: 'a', arguments: {} },
          { id: 't2', name: 'b', arguments: { x: 1 } },
        ],
      },
      { role: 'tool', toolCallId: 't1', name: 'a', content: 'one' },
      { role: 'tool', toolCallId: 't2', name: 'b', content: 'boom', isError: true },
    ]);

    expect(converted.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Two lookups' },
          { type: 'tool_use', id: 't1', name: 'a', input: {} },
          { type: 'tool_use', id: 't2', name: 'b', input: { x: 1 } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: 'one' },
          { type: 'tool_result', tool_use_id: 't2', content: 'boom', is_error: true },
        ],
      },
    ]);
  });

  it('reads Retry-After as seconds, as a date, and retry-after-ms', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after': 'Mon, 23 Nov 2026 10:00:05 GMT' }, now)).toBe(5000);
    expect(retryAfterMs({ 'retry-after-ms': '150', 'retry-after': '9' }, now)).toBe(150);
    expect(retryAfterMs({}, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(1, 500, 30_000, () => 1)).toBe(500);
    expect(backoffMs(3, 500, 30_000, () => 1)).toBe(2000);
    expect(backoffMs(3, 500, 30_000, () => 0)).toBe(1000);
    expect(backoffMs(20, 500, 30_000, () => 1)).toBe(30_000);
  });

  it('picks the provider by platform', () => {
    expect(createProvider('openai', { base_url: 'http://x/v1' }).id).toBe('openai');
    expect(createProvider('anthropic', { api_key: 'k' }).id).toBe('anthropic');
  });
});
