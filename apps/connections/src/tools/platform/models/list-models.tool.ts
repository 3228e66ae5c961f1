import { joinUrl } from '../../../platforms/platform';
import { objectSchema, ToolDefinition } from '../../tool';
import { platformReply } from '../platform-reply';

const modelIds = (body: unknown) =>
  ((body as { data?: { id?: unknown }[] })?.data ?? []).map((m) => m?.id).filter((id) => typeof id === 'string');

export const openaiListModelsTool: ToolDefinition = {
  name: 'openai.list_models',
  description: 'List the models this OpenAI-compatible connection can use.',
  platform: 'openai',
  inputSchema: objectSchema({}),
  async execute(_, ctx) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (ctx.config.api_key) headers.authorization = `Bearer ${String(ctx.config.api_key)}`;
    const reply = platformReply('The OpenAI-compatible API', await ctx.http(joinUrl(String(ctx.config.base_url), 'models'), { headers }));
    return reply.isError ? reply : { output: { models: modelIds(reply.output) } };
  },
};

export const anthropicListModelsTool: ToolDefinition = {
  name: 'anthropic.list_models',
  description: 'List the Claude models this Anthropic key can use.',
  platform: 'anthropic',
  inputSchema: objectSchema({}),
  async execute(_, ctx) {
    const headers = {
      'x-api-key': String(ctx.config.api_key),
      'anthropic-version': String(ctx.config.anthropic_version ?? '2023-06-01'),
      accept: 'application/json',
    };
    const reply = platformReply('Anthropic', await ctx.http(joinUrl(String(ctx.config.base_url), 'v1/models'), { headers }));
    return reply.isError ? reply : { output: { models: modelIds(reply.output) } };
  },
};
