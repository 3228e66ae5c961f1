import { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeRequest, HttpFake, sendJson, startHttpFake } from './http-fake';

/** One scripted answer of a fake model. */
export interface FakeTurn {
  text?: string;
  toolCalls?: { id?: string; name: string; arguments: Record<string, unknown> | string }[];
  usage?: { input: number; output: number };
  /** Answer with this HTTP error instead (429 with `retry-after`, 503…). */
  error?: { status: number; headers?: Record<string, string>; message?: string };
  /** A streamed answer pauses this long after each chunk, so a live reader sees the pieces arrive one by one. */
  chunkDelayMs?: number;
  /** Answer only once this settles (a test lets the model speak when its reader is ready). */
  holdUntil?: Promise<unknown>;
}

/** Decides the next answer from the request (its messages, tools) and the call count (1-based). */
export type FakeBrain = (request: any, call: number) => FakeTurn;

export interface FakeLlm extends HttpFake {
  /** Replace the brain (tests script each scenario); forgets the requests received so far. */
  setBrain(brain: FakeBrain): void;
  /** The chat requests (bodies) received so far. */
  calls(): any[];
}

const DEFAULT_USAGE = { input: 10, output: 5 };
const pieces = (s: string) => s.match(/.{1,7}/gs) ?? [];

async function sse(res: ServerResponse, events: { event?: string; data: unknown }[], delayMs = 0): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) {
    if (res.destroyed) return;
    res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`);
    if (delayMs) await sleep(delayMs);
  }
  res.end();
}

const args = (a: Record<string, unknown> | string) => (typeof a === 'string' ? a : JSON.stringify(a));

function openAiAnswer(req: FakeRequest, res: ServerResponse, turn: FakeTurn): Promise<void> | void {
  const usage = turn.usage ?? DEFAULT_USAGE;
  const wireUsage = { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output };
  const calls = (turn.toolCalls ?? []).map((c, i) => ({
    id: c.id ?? `call_${i + 1}`,
    type: 'function',
    function: { name: c.name, arguments: args(c.arguments) },
  }));
  const finish = calls.length ? 'tool_calls' : 'stop';
  const model = req.body.model;
  if (!req.body.stream) {
    return sendJson(res, 200, {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: turn.text ?? (calls.length ? null : ''), ...(calls.length ? { tool_calls: calls } : {}) },
          finish_reason: finish,
        },
      ],
      usage: wireUsage,
    });
  }
  const chunk = (delta: unknown, finish_reason: string | null = null) => ({
    data: { object: 'chat.completion.chunk', model, choices: [{ index: 0, delta, finish_reason }] },
  });
  const events: { data: unknown }[] = [chunk({ role: 'assistant', content: '' })];
  for (const p of pieces(turn.text ?? '')) events.push(chunk({ content: p }));
  calls.forEach((c, index) => {
    events.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] }));
    for (const p of pieces(c.function.arguments)) events.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }));
  });
  events.push(chunk({}, finish));
  events.push({ data: { object: 'chat.completion.chunk', model, choices: [], usage: wireUsage } });
  events.push({ data: '[DONE]' });
  return sse(res, events, turn.chunkDelayMs);
}

function anthropicAnswer(req: FakeRequest, res: ServerResponse, turn: FakeTurn): Promise<void> | void {
  const usage = turn.usage ?? DEFAULT_USAGE;
  const blocks: any[] = [];
  if (turn.text) blocks.push({ type: 'text', text: turn.text });
  (turn.toolCalls ?? []).forEach((c, i) =>
    blocks.push({
      type: 'tool_use',
      id: c.id ?? `toolu_${i + 1}`,
      name: c.name,
      input: typeof c.arguments === 'string' ? JSON.parse(c.arguments) : c.arguments,
    }),
  );
  const stop = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  const model = req.body.model;
  if (!req.body.stream) {
    return sendJson(res, 200, {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model,
      content: blocks,
      stop_reason: stop,
      usage: { input_tokens: usage.input, output_tokens: usage.output },
    });
  }
  const events: { event: string; data: unknown }[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: { id: 'msg_fake', model, content: [], usage: { input_tokens: usage.input, output_tokens: 1 } },
      },
    },
  ];
  blocks.forEach((b, index) => {
    if (b.type === 'text') {
      events.push({
        event: 'content_block_start',
        data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
      });
      for (const p of pieces(b.text))
        events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: p } } });
    } else {
      events.push({
        event: 'content_block_start',
        data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } },
      });
      for (const p of pieces(JSON.stringify(b.input))) {
        events.push({
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: p } },
        });
      }
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push({
    event: 'message_delta',
    data: { type: 'message_delta', delta: { stop_reason: stop }, usage: { output_tokens: usage.output } },
  });
  events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return sse(res, events, turn.chunkDelayMs);
}

async function startFakeLlm(kind: 'openai' | 'anthropic', brain: FakeBrain): Promise<FakeLlm> {
  let current = brain;
  let count = 0;
  const chatPath = kind === 'openai' ? '/v1/chat/completions' : '/v1/messages';
  const fake = await startHttpFake(async (req, res) => {
    if (req.method === 'GET' && req.path === '/v1/models') return sendJson(res, 200, { object: 'list', data: [{ id: 'fake-model' }] });
    if (req.method !== 'POST' || req.path !== chatPath)
      return sendJson(res, 404, { error: { message: `no route ${req.method} ${req.path}` } });
    const turn = current(req.body, ++count);
    if (turn.holdUntil) await turn.holdUntil;
    if (turn.error) {
      const body =
        kind === 'openai'
          ? { error: { message: turn.error.message ?? 'fake error', type: 'server_error' } }
          : { type: 'error', error: { type: 'api_error', message: turn.error.message ?? 'fake error' } };
      return sendJson(res, turn.error.status, body, turn.error.headers ?? {});
    }
    return kind === 'openai' ? openAiAnswer(req, res, turn) : anthropicAnswer(req, res, turn);
  });
  return {
    ...fake,
    setBrain: (b) => {
      current = b;
      count = 0;
      fake.requests.length = 0;
    },
    calls: () => fake.requests.filter((r) => r.path === chatPath).map((r) => r.body),
  };
}

/** A fake OpenAI-compatible server: `POST /v1/chat/completions` (tool_calls, streaming with usage, errors), `GET /v1/models`. Base URL: `${url}/v1`. */
export function startFakeOpenAi(brain: FakeBrain = () => ({ text: 'ok' })): Promise<FakeLlm> {
  return startFakeLlm('openai', brain);
}

/** A fake Anthropic Messages API: `POST /v1/messages` (tool_use blocks, streaming events), `GET /v1/models`. Base URL: `url`. */
export function startFakeAnthropic(brain: FakeBrain = () => ({ text: 'ok' })): Promise<FakeLlm> {
  return startFakeLlm('anthropic', brain);
}
