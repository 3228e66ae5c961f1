import { ToolDefinition } from '../../tool';
import { CHAT_SCHEMA, chatWithConnection } from './model-call';

export const openaiChatCompletionTool: ToolDefinition = {
  name: 'openai.chat_completion',
  description:
    'Generate a chat completion with a model of this OpenAI-compatible connection. Returns { text, model, usage, finish_reason }.',
  platform: 'openai',
  inputSchema: CHAT_SCHEMA,
  execute: (args, ctx) => chatWithConnection('openai', args, ctx),
};
