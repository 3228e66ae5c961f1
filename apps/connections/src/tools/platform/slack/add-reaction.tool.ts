import { objectSchema, ToolDefinition } from '../../tool';
import { slackCall } from './slack-api';

export const slackAddReactionTool: ToolDefinition = {
  name: 'slack.add_reaction',
  description: 'Add an emoji reaction to a Slack message.',
  platform: 'slack',
  inputSchema: objectSchema(
    {
      channel: { type: 'string', minLength: 1, maxLength: 200 },
      timestamp: { type: 'string', pattern: '^[0-9]+\\.[0-9]+$', description: 'The message ts' },
      name: { type: 'string', pattern: '^[a-z0-9_+-]{1,100}$', description: 'Emoji name without colons, e.g. white_check_mark' },
    },
    ['channel', 'timestamp', 'name'],
  ),
  async execute(args, ctx) {
    const result = await slackCall(ctx, 'reactions.add', args);
    return result.isError ? result : { output: { ok: true } };
  },
};
