import { objectSchema, ToolDefinition } from '../../tool';
import { slackCall } from './slack-api';

interface SlackUser {
  id?: string;
  name?: string;
  real_name?: string;
  tz?: string;
  profile?: { display_name?: string; title?: string };
}

export const slackLookupUserByEmailTool: ToolDefinition = {
  name: 'slack.lookup_user_by_email',
  description: 'Find a Slack user by e-mail address (id, names, time zone).',
  platform: 'slack',
  inputSchema: objectSchema({ email: { type: 'string', format: 'email', maxLength: 320 } }, ['email']),
  async execute(args, ctx) {
    const result = await slackCall(ctx, 'users.lookupByEmail', args, true);
    if (result.isError) return result;
    const user = (result.output as { user?: SlackUser }).user ?? {};
    return {
      output: {
        id: user.id,
        name: user.name,
        real_name: user.real_name,
        display_name: user.profile?.display_name || undefined,
        title: user.profile?.title || undefined,
        tz: user.tz,
      },
    };
  },
};
