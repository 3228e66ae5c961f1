import { ProviderError } from '../errors';
import { DEFAULT_HTTP, hostOf, HttpSettings, postAndRead, readJson } from '../http/provider-http';
import { readSse } from '../http/sse';
import { ChatMessage, ChatOptions, ChatRequest, ChatResponse, FinishReason, ModelProvider, parseToolArguments, ToolCall } from '../types';

export interface AnthropicSettings {
  /** e.g. https://api.anthropic.com (the path /v1/messages is added). */
  baseUrl: string;
  apiKey: string;
  version?: string;
  http?: Partial<HttpSettings>;
}

/** Anthropic needs max_tokens on every request. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error?: boolean };
interface WireMessage {
  role: 'user' | 'assistant';
  content: Block[];
}
interface WireUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}
interface WireResponse {
  model?: string;
  content?: Block[];
  stop_reason?: string | null;
  usage?: WireUsage;
}

/** The fields of Anthropic's stream events this reader uses. */
interface StreamEvent {
  type: string;
  index: number;
  message?: { model?: string; usage?: WireUsage };
  content_block?: { type: string; id?: string; name?: string; text?: string };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string };
  usage?: WireUsage;
  error?: { type?: string; message?: string };
}

const FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** Our messages → Anthropic's: system apart, tool results as `tool_result` blocks of a user turn, same-role turns merged. */
export function toAnthropic(messages: ChatMessage[]): { system: string | undefined; messages: WireMessage[] } {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content as string);
  const out: WireMessage[] = [];
  const push = (role: WireMessage['role'], blocks: Block[]) => {
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === 'user') push('user', [{ type: 'text', text: m.content }]);
    else if (m.role === 'tool')
      push('user', [{ type: 'tool_result', tool_use_id: m.toolCallId, content: m.content, ...(m.isError ? { is_error: true } : {}) }]);
    else if (m.role === 'assistant') {
      const blocks: Block[] = m.content ? [{ type: 'text', text: m.content }] : [];
      for (const c of m.toolCalls ?? []) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: c.arguments });
      if (blocks.length) push('assistant', blocks);
    }
  }
  return { system: system.length ? system.join('\n\n') : undefined, messages: out };
}

function usageOf(u: WireUsage | undefined) {
  const input = (u?.input_tokens ?? 0) + (u?.cache_creation_input_tokens ?? 0) + (u?.cache_read_input_tokens ?? 0);
  const output = u?.output_tokens ?? 0;
  return { inputTokens: input, outputTokens: output, totalTokens: input + output };
}

/** The Anthropic Messages API (`POST {base}/v1/messages`), tool_use blocks and streaming included. */
export class AnthropicProvider implements ModelProvider {
  readonly id = 'anthropic' as const;
  private readonly http: HttpSettings;
  private readonly who: string;

  constructor(private readonly settings: AnthropicSettings) {
    this.http = { ...DEFAULT_HTTP, ...settings.http };
    this.who = `The Anthropic API at ${hostOf(settings.baseUrl)}`;
  }

  async chat(req: ChatRequest, options: ChatOptions = {}): Promise<ChatResponse> {
    const stream = options.onText !== undefined;
    const { system, messages } = toAnthropic(req.messages);
    const body: Record<string, unknown> = {
      model: req.model,
      max_tokens: req.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
      messages,
      ...(system ? { system } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.tools?.length
        ? { tools: req.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) }
        : {}),
      ...(stream ? { stream: true } : {}),
    };
    const headers = { 'x-api-key': this.settings.apiKey, 'anthropic-version': this.settings.version ?? '2023-06-01' };
    return postAndRead(
      { url: `${this.settings.baseUrl.replace(/\/+$/, '')}/v1/messages`, headers, body, who: this.who, signal: options.signal },
      this.http,
      async (res) =>
        stream
          ? this.readStream(res.body, req.model, options.onText!)
          : this.fromResponse(await readJson<WireResponse>(res, this.who), req.model),
    );
  }

  private fromResponse(r: WireResponse, model: string): ChatResponse {
    if (!Array.isArray(r.content)) throw new ProviderError('invalid_response', `${this.who} answered without content blocks`);
    const text = r.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    const toolCalls: ToolCall[] = r.content.flatMap((b) =>
      b.type === 'tool_use' ? [{ id: b.id, name: b.name, ...parseToolArguments(b.input) }] : [],
    );
    const raw = r.stop_reason ?? null;
    return {
      text,
      toolCalls,
      usage: usageOf(r.usage),
      model: r.model ?? model,
      finishReason: raw ? (FINISH[raw] ?? 'other') : 'stop',
      rawFinishReason: raw,
    };
  }

  /** message_start (input usage), content_block_start/delta (text, tool_use input JSON), message_delta (stop reason, output usage). */
  private async readStream(body: AsyncIterable<Buffer>, model: string, onText: (d: string) => void): Promise<ChatResponse> {
    const blocks = new Map<number, { type: string; id?: string; name?: string; text: string; json: string }>();
    let usage: WireUsage = {};
    let answeredModel = model;
    let raw: string | null = null;
    for await (const e of readSse(body)) {
      let ev: StreamEvent;
      try {
        ev = JSON.parse(e.data) as StreamEvent;
      } catch {
        continue;
      }
      switch (ev.type) {
        case 'message_start':
          answeredModel = ev.message?.model ?? answeredModel;
          usage = { ...usage, ...(ev.message?.usage ?? {}) };
          break;
        case 'content_block_start':
          blocks.set(ev.index, {
            type: ev.content_block?.type ?? 'unknown',
            id: ev.content_block?.id,
            name: ev.content_block?.name,
            text: ev.content_block?.text ?? '',
            json: '',
          });
          break;
        case 'content_block_delta': {
          const b = blocks.get(ev.index);
          if (!b) break;
          if (ev.delta?.type === 'text_delta' && ev.delta.text) {
            b.text += ev.delta.text;
            onText(ev.delta.text);
          } else if (ev.delta?.type === 'input_json_delta') b.json += ev.delta.partial_json ?? '';
          break;
        }
        case 'message_delta':
          raw = ev.delta?.stop_reason ?? raw;
          usage = { ...usage, ...(ev.usage ?? {}) };
          break;
        case 'error':
          throw new ProviderError('unavailable', `${this.who} failed mid-stream: ${ev.error?.message ?? ev.error?.type ?? 'error'}`, {
            retryable: true,
          });
      }
    }
    const ordered = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, b]) => b);
    const text = ordered
      .filter((b) => b.type === 'text')
      .map((b) => b.text)
      .join('');
    const toolCalls = ordered
      .filter((b) => b.type === 'tool_use')
      .map((b, i) => ({ id: b.id ?? `toolu_${i}`, name: String(b.name), ...parseToolArguments(b.json || '{}') }));
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
