import { objectSchema, ToolDefinition } from '../../tool';
import { slackCall } from './slack-api';

export const slackPostMessageTool: ToolDefinition = {
  name: 'slack.post_message',
  description:
    'Post a message to a Slack channel (name like #sales or id like C0123) or reply in a thread. Returns the channel and the message ts.',
  platform: 'slack',
  inputSchema: objectSchema(
    {
      channel: { type: 'string', minLength: 1, maxLength: 200, description: 'Channel id (C0123…), #name, or a user id for a DM' },
      text: { type: 'string', minLength: 1, maxLength: 40_000, description: 'Message text (Slack mrkdwn)' },
      thread_ts: { type: 'string', pattern: '^[0-9]+\\.[0-9]+$', description: 'Reply in the thread of this message' },
      blocks: { type: 'array', maxItems: 50, items: { type: 'object' }, description: 'Block Kit blocks' },
      unfurl_links: { type: 'boolean' },
    },
    ['channel', 'text'],
  ),
  async execute(args, ctx) {
    const result = await slackCall(ctx, 'chat.postMessage', args);
    if (result.isError) return result;
    const body = result.output as { channel?: string; ts?: string; message?: { text?: string } };
    return { output: { ok: true, channel: body.channel, ts: body.ts, text: body.message?.text ?? args.text } };
  },
};
