import { AgentTemplate } from './agent-template';

export const webhookSlackRelayTemplate: AgentTemplate = {
  id: 'webhook-to-slack-relay',
  name: 'Webhook to Slack relay',
  description:
    "Posts any inbound webhook (the agent's hook URL: GitHub, Stripe, your own app) to a Slack channel as a readable message. " +
    'The body of the webhook is the run input, so the Slack connection and channel live in the `config` step: replace ' +
    '`con_REPLACE_WITH_SLACK_CONNECTION` and `#alerts` there (PATCH the definition) once your Slack connection exists.',
  tags: ['slack', 'webhooks', 'notifications'],
  definition: {
    input_schema: { type: 'object' },
    steps: [
      {
        id: 'config',
        type: 'transform',
        with: {
          expression: '{ "slack_connection_id": "con_REPLACE_WITH_SLACK_CONNECTION", "channel": "#alerts", "title": "Webhook received" }',
        },
      },
      {
        id: 'format',
        type: 'transform',
        with: {
          expression: `(
  $event := $exists(input.type) ? input.type : $exists(input.event) ? input.event : $exists(input.action) ? input.action : "event";
  $headline := steps.config.output.title & ": " & $string($event);
  {
    "text": $headline,
    "blocks": [
      { "type": "header", "text": { "type": "plain_text", "text": $substring($headline, 0, 150) } },
      { "type": "section", "text": { "type": "mrkdwn", "text": "\`\`\`" & $substring($string(input, true), 0, 2800) & "\`\`\`" } }
    ]
  }
)`,
        },
      },
      {
        id: 'post',
        type: 'http',
        with: {
          method: 'POST',
          url: 'https://slack.com/api/chat.postMessage',
          connection_id: '{{ steps.config.output.slack_connection_id }}',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: {
            channel: '{{ steps.config.output.channel }}',
            text: '{{ steps.format.output.text }}',
            blocks: '{{ steps.format.output.blocks }}',
          },
          timeout_ms: 10_000,
        },
        retry: { max_attempts: 5, backoff_ms: 1000, factor: 3 },
      },
    ],
    output:
      '{ "relayed": steps.post.output.body.ok = true, "channel": steps.post.output.body.channel, "ts": steps.post.output.body.ts, "error": steps.post.output.body.error }',
  },
};
