import { ProviderError } from '../errors';
import { DEFAULT_HTTP, hostOf, HttpSettings, postAndRead, readJson } from '../http/provider-http';
import { readSse } from '../http/sse';
import {
  ChatMessage,
  ChatOptions,
  ChatRequest,
  ChatResponse,
  FinishReason,
  ModelProvider,
  parseToolArguments,
  ToolCall,
  Usage,
} from '../types';

export interface OpenAiSettings {
  /** e.g. https://api.openai.com/v1, http://localhost:11434/v1 (Ollama), a vLLM or LM Studio server. */
  baseUrl: string;
  apiKey?: string;
  organization?: string;
  project?: string;
  http?: Partial<HttpSettings>;
}

interface WireToolCall {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}
interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}
interface WireCompletion {
  model?: string;
  choices?: { message?: { content?: string | null; tool_calls?: WireToolCall[] }; finish_reason?: string | null }[];
  usage?: WireUsage;
}
interface WireChunk {
  model?: string;
  choices?: { delta?: { content?: string | null; tool_calls?: WireToolCall[] }; finish_reason?: string | null }[];
  usage?: WireUsage | null;
  error?: { message?: string };
}

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
};

function toWire(m: ChatMessage): Record<string, unknown> {
  switch (m.role) {
    case 'assistant':
      return {
        role: 'assistant',
        content: m.content,
        ...(m.toolCalls?.length
          ? {
              tool_calls: m.toolCalls.map((c) => ({
                id: c.id,
                type: 'function',
                function: { name: c.name, arguments: JSON.stringify(c.arguments) },
              })),
            }
          : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
    default:
      return { role: m.role, content: m.content };
  }
}

function usageOf(u: WireUsage | null | undefined): Usage {
  const input = u?.prompt_tokens ?? 0;
  const output = u?.completion_tokens ?? 0;
  return { inputTokens: input, outputTokens: output, totalTokens: u?.total_tokens ?? input + output };
}

function toolCallsOf(wire: WireToolCall[] | undefined): ToolCall[] {
  return (wire ?? [])
    .filter((c) => c.function?.name)
    .map((c, i) => ({ id: c.id || `call_${i}`, name: String(c.function!.name), ...parseToolArguments(c.function!.arguments) }));
}

/** Chat completions of OpenAI and every server that speaks its API (`POST {base}/chat/completions`). */
export class OpenAiProvider implements ModelProvider {
  readonly id = 'openai' as const;
  private readonly http: HttpSettings;
  private readonly who: string;

  constructor(private readonly settings: OpenAiSettings) {
    this.http = { ...DEFAULT_HTTP, ...settings.http };
    this.who = `The OpenAI-compatible API at ${hostOf(settings.baseUrl)}`;
  }

  async chat(req: ChatRequest, options: ChatOptions = {}): Promise<ChatResponse> {
    const stream = options.onText !== undefined;
    const body: Record<string, unknown> = {
      model: req.model,
      messages: req.messages.map(toWire),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.maxTokens !== undefined ? { max_tokens: req.maxTokens } : {}),
      ...(req.tools?.length
        ? {
            tools: req.tools.map((t) => ({
              type: 'function',
              function: { name: t.name, description: t.description, parameters: t.parameters },
            })),
          }
        : {}),
      ...(req.responseSchema
        ? { response_format: { type: 'json_schema', json_schema: { name: 'response', schema: req.responseSchema } } }
        : {}),
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
    return postAndRead(
      {
        url: `${this.settings.baseUrl.replace(/\/+$/, '')}/chat/completions`,
        headers: this.headers(),
        body,
        who: this.who,
        signal: options.signal,
      },
      this.http,
      async (res) =>
        stream
          ? this.readStream(res.body, req.model, options.onText!)
          : this.fromCompletion(await readJson<WireCompletion>(res, this.who), req.model),
    );
  }

  private headers(): Record<string, string> {
    const s = this.settings;
    return {
      ...(s.apiKey ? { authorization: `Bearer ${s.apiKey}` } : {}),
      ...(s.organization ? { 'openai-organization': s.organization } : {}),
      ...(s.project ? { 'openai-project': s.project } : {}),
    };
  }

  private fromCompletion(c: WireCompletion, model: string): ChatResponse {
    const choice = c.choices?.[0];
    if (!choice?.message) throw new ProviderError('invalid_response', `${this.who} answered without choices[0].message`);
    const raw = choice.finish_reason ?? null;
    return {
      text: choice.message.content ?? '',
      toolCalls: toolCallsOf(choice.message.tool_calls),
      usage: usageOf(c.usage),
      model: c.model ?? model,
      finishReason: raw ? (FINISH[raw] ?? 'other') : 'stop',
      rawFinishReason: raw,
    };
  }

  /** Accumulates `chat.completion.chunk`s: text deltas, tool call fragments by index, the final usage chunk. */
  private async readStream(body: AsyncIterable<Buffer>, model: string, onText: (d: string) => void): Promise<ChatResponse> {
    let text = '';
    let answeredModel = model;
    let raw: string | null = null;
    let usage: WireUsage | null = null;
    const calls = new Map<number, WireToolCall & { args: string }>();
    for await (const e of readSse(body)) {
      if (e.data === '[DONE]') break;
      let chunk: WireChunk;
      try {
        chunk = JSON.parse(e.data) as WireChunk;
      } catch {
        continue;
      }
      if (chunk.error)
        throw new ProviderError('unavailable', `${this.who} failed mid-stream: ${chunk.error.message ?? 'error'}`, { retryable: true });
      if (chunk.model) answeredModel = chunk.model;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      if (choice.finish_reason) raw = choice.finish_reason;
      const delta = choice.delta;
      if (delta?.content) {
        text += delta.content;
        onText(delta.content);
      }
      for (const tc of delta?.tool_calls ?? []) {
        const index = tc.index ?? calls.size;
        const acc = calls.get(index) ?? { args: '' };
        if (tc.id) acc.id = tc.id;
        if (tc.function?.name) acc.function = { name: (acc.function?.name ?? '') + tc.function.name };
        if (tc.function?.arguments) acc.args += tc.function.arguments;
        calls.set(index, acc);
      }
    }
    const toolCalls = toolCallsOf(
      [...calls.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, c]) => ({ id: c.id, function: { name: c.function?.name, arguments: c.args } })),
    );
    return {
      text,
      toolCalls,
      usage: usageOf(usage),
      model: answeredModel,
      finishReason: raw ? (FINISH[raw] ?? 'other') : 'stop',
      rawFinishReason: raw,
    };
  }
}
