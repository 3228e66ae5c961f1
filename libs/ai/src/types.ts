/** One call a model asked for: its id (to answer it), the tool's name, and the parsed arguments. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  /** Set when the model's arguments were not a JSON object (they are `{}` then); send it back as the tool's error. */
  argumentsError?: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

/** A tool the model may call. `name` must match `^[a-zA-Z0-9_-]{1,64}$` (both providers' rule). */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments (an object schema). */
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  temperature?: number;
  maxTokens?: number;
  /** Ask for JSON matching this schema where the provider supports it (OpenAI `response_format`). */
  responseSchema?: Record<string, unknown>;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

export interface ChatResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  /** The model that answered, as the provider names it. */
  model: string;
  finishReason: FinishReason;
  /** The provider's own reason (`end_turn`, `tool_use`, `stop`…). */
  rawFinishReason: string | null;
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** Streams the answer: called with each piece of text as it arrives. */
  onText?: (delta: string) => void;
}

/** A chat model behind one interface: OpenAI-compatible servers and the Anthropic Messages API. */
export interface ModelProvider {
  readonly id: 'openai' | 'anthropic';
  chat(request: ChatRequest, options?: ChatOptions): Promise<ChatResponse>;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

/** Arguments as a model sent them (a JSON string) → an object, or `{}` with the reason. */
export function parseToolArguments(raw: unknown): Pick<ToolCall, 'arguments' | 'argumentsError'> {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) return { arguments: raw as Record<string, unknown> };
  if (raw === undefined || raw === null || raw === '') return { arguments: {} };
  try {
    const parsed: unknown = JSON.parse(String(raw));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { arguments: parsed as Record<string, unknown> };
    return { arguments: {}, argumentsError: 'the arguments must be a JSON object' };
  } catch {
    return { arguments: {}, argumentsError: 'the arguments are not valid JSON' };
  }
}
