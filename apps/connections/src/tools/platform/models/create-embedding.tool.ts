import { joinUrl } from '../../../platforms/platform';
import { objectSchema, ToolDefinition } from '../../tool';
import { platformReply } from '../platform-reply';

export const openaiCreateEmbeddingTool: ToolDefinition = {
  name: 'openai.create_embedding',
  description: 'Embed text with an embedding model of this OpenAI-compatible connection. Returns { model, embeddings, usage }.',
  platform: 'openai',
  inputSchema: objectSchema(
    {
      model: { type: 'string', minLength: 1, maxLength: 200, examples: ['text-embedding-3-small'] },
      input: {
        oneOf: [
          { type: 'string', minLength: 1, maxLength: 100_000 },
          { type: 'array', minItems: 1, maxItems: 256, items: { type: 'string', minLength: 1, maxLength: 100_000 } },
        ],
      },
    },
    ['model', 'input'],
  ),
  async execute(args, ctx) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (ctx.config.api_key) headers.authorization = `Bearer ${String(ctx.config.api_key)}`;
    const res = await ctx.http(joinUrl(String(ctx.config.base_url), 'embeddings'), {
      method: 'POST',
      headers,
      json: { model: args.model, input: args.input },
    });
    const reply = platformReply('The OpenAI-compatible API', res);
    if (reply.isError) return reply;
    const body = reply.output as { model?: string; data?: { index?: number; embedding?: number[] }[]; usage?: unknown };
    return {
      output: { model: body.model ?? args.model, embeddings: (body.data ?? []).map((d) => d.embedding), usage: body.usage ?? null },
    };
  },
};
