import { objectSchema, ToolDefinition } from '../../tool';
import { slackCall } from './slack-api';

interface Channel {
  id?: string;
  name?: string;
  is_private?: boolean;
  is_member?: boolean;
  num_members?: number;
  topic?: { value?: string };
}

export const slackListChannelsTool: ToolDefinition = {
  name: 'slack.list_channels',
  description: 'List the Slack channels the bot can see (id, name, whether it is a member).',
  platform: 'slack',
  inputSchema: objectSchema({
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    cursor: { type: 'string', maxLength: 500, description: 'next_cursor of a previous page' },
    types: { type: 'string', pattern: '^[a-z_,]+$', default: 'public_channel', description: 'e.g. public_channel,private_channel' },
  }),
  async execute(args, ctx) {
    const result = await slackCall(ctx, 'conversations.list', { exclude_archived: true, limit: 100, ...args }, true);
    if (result.isError) return result;
    const body = result.output as { channels?: Channel[]; response_metadata?: { next_cursor?: string } };
    return {
      output: {
        channels: (body.channels ?? []).map((c) => ({
          id: c.id,
          name: c.name,
          is_private: c.is_private ?? false,
          is_member: c.is_member ?? false,
          num_members: c.num_members,
          topic: c.topic?.value || undefined,
        })),
        next_cursor: body.response_metadata?.next_cursor || null,
      },
    };
  },
};
