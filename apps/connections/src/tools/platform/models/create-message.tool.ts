import { ToolDefinition } from '../../tool';
import { CHAT_SCHEMA, chatWithConnection } from './model-call';

export const anthropicCreateMessageTool: ToolDefinition = {
  name: 'anthropic.create_message',
  description: 'Generate a message with a Claude model of this Anthropic connection. Returns { text, model, usage, finish_reason }.',
  platform: 'anthropic',
  inputSchema: CHAT_SCHEMA,
  execute: (args, ctx) => chatWithConnection('anthropic', args, ctx),
};
