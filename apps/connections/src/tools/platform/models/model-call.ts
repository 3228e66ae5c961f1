import { ChatMessage, createProvider, ModelPlatform, ProviderError } from '@agentry/ai';
import { AppError } from '@agentry/common';
import { JsonSchema } from '../../../platforms/platform';
import { objectSchema, ToolContext, ToolResult } from '../../tool';
import { ToolsError } from '../../tools.errors';

export const CHAT_SCHEMA: JsonSchema = objectSchema(
  {
    model: { type: 'string', minLength: 1, maxLength: 200, description: "Default: the connection's default_model" },
    prompt: { type: 'string', minLength: 1, maxLength: 200_000, description: 'A single user message (or give messages)' },
    system: { type: 'string', maxLength: 100_000 },
    messages: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      items: objectSchema(
        { role: { type: 'string', enum: ['system', 'user', 'assistant'] }, content: { type: 'string', maxLength: 200_000 } },
        ['role', 'content'],
      ),
    },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    max_tokens: { type: 'integer', minimum: 1, maximum: 200_000 },
  },
  [],
);

/** One chat call with the connection's credentials; the reply is `{ text, model, usage, finish_reason }`. */
export async function chatWithConnection(platform: ModelPlatform, args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult> {
  const model = (args.model as string | undefined) ?? (ctx.config.default_model as string | undefined);
  if (!model)
    throw AppError.invalid('No model: pass one, or set default_model on the connection', [
      { field: 'arguments.model', reason: 'is required' },
    ]);
  const messages: ChatMessage[] = [];
  if (typeof args.system === 'string') messages.push({ role: 'system', content: args.system });
  if (Array.isArray(args.messages)) messages.push(...(args.messages as ChatMessage[]));
  if (typeof args.prompt === 'string') messages.push({ role: 'user', content: args.prompt });
  if (!messages.some((m) => m.role === 'user')) {
    throw AppError.invalid('Give a prompt or messages with a user message', [
      { field: 'arguments.prompt', reason: 'is required without messages' },
    ]);
  }
  const provider = createProvider(platform, ctx.config, {
    allowPrivateNetworks: ctx.policy.allowPrivateNetworks,
    timeoutMs: Math.max(1, ctx.deadline - Date.now()),
    maxRetries: 1,
  });
  try {
    const res = await provider.chat(
      { model, messages, temperature: args.temperature as number | undefined, maxTokens: args.max_tokens as number | undefined },
      { signal: ctx.signal },
    );
    return {
      output: {
        text: res.text,
        model: res.model,
        usage: { input_tokens: res.usage.inputTokens, output_tokens: res.usage.outputTokens, total_tokens: res.usage.totalTokens },
        finish_reason: res.finishReason,
      },
    };
  } catch (err) {
    return providerFailure(platform === 'openai' ? 'The OpenAI-compatible API' : 'Anthropic', err);
  }
}

/**
 * A refused request (unknown model, bad parameters) is the tool's failure; refused keys are 424 (a 401
 * marks the connection failed, a 403 such as "no access to this model" does not); the rest is an outage.
 */
export function providerFailure(who: string, err: unknown): ToolResult {
  if (!(err instanceof ProviderError)) throw err;
  if (err.kind === 'bad_request') return { output: { error: err.message }, isError: true };
  if (err.kind === 'auth') throw ToolsError.credentialsRefused(who, err.message, err.status === 401 ? 'auth' : null);
  throw ToolsError.upstream(err.message);
}
