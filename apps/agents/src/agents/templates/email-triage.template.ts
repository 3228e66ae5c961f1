import { AgentTemplate } from './agent-template';

export const emailTriageTemplate: AgentTemplate = {
  id: 'email-triage',
  name: 'Email triage',
  description:
    'Classifies an incoming email (category, priority, one-line summary, draft reply) with an LLM. Urgent mail is posted to Slack ' +
    'when the input carries `slack_connection_id` (a Slack connection) and optionally `slack_channel`. Feed it from your mail ' +
    "provider's inbound webhook or a schedule.",
  tags: ['support', 'email', 'llm'],
  llm: { model: 'gpt-4o-mini' },
  definition: {
    input_schema: {
      type: 'object',
      required: ['from', 'subject', 'body'],
      properties: {
        from: { type: 'string', minLength: 3 },
        subject: { type: 'string' },
        body: { type: 'string' },
        slack_connection_id: { type: 'string', pattern: '^con_' },
        slack_channel: { type: 'string', default: '#support' },
      },
    },
    steps: [
      {
        id: 'classify',
        type: 'llm',
        with: {
          messages: [
            {
              role: 'system',
              content:
                'You triage a shared inbox. category: support, sales, billing, bug, spam or other. priority: urgent (outage, ' +
                'security, legal, a customer blocked), high, normal or low. summary: one sentence. Draft a short, polite reply ' +
                'unless the mail is spam.',
            },
            { role: 'user', content: 'From: {{ input.from }}\nSubject: {{ input.subject }}\n\n{{ $substring(input.body, 0, 8000) }}' },
          ],
          temperature: 0,
          max_tokens: 600,
          response_schema: {
            type: 'object',
            required: ['category', 'priority', 'summary', 'needs_reply'],
            properties: {
              category: { type: 'string', enum: ['support', 'sales', 'billing', 'bug', 'spam', 'other'] },
              priority: { type: 'string', enum: ['urgent', 'high', 'normal', 'low'] },
              summary: { type: 'string' },
              needs_reply: { type: 'boolean' },
              suggested_reply: { type: 'string' },
            },
          },
        },
        retry: { max_attempts: 3, backoff_ms: 1000, factor: 2 },
        timeout_ms: 60_000,
      },
      {
        id: 'escalate',
        type: 'http',
        if: 'steps.classify.output.json.priority = "urgent" and $exists(input.slack_connection_id)',
        with: {
          method: 'POST',
          url: 'https://slack.com/api/chat.postMessage',
          connection_id: '{{ input.slack_connection_id }}',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: {
            channel: '{{ $exists(input.slack_channel) ? input.slack_channel : "#support" }}',
            text: ':rotating_light: Urgent email from {{ input.from }}: *{{ input.subject }}*\n{{ steps.classify.output.json.summary }}',
          },
        },
        retry: { max_attempts: 3, backoff_ms: 2000, factor: 2 },
        on_error: 'continue',
      },
    ],
    output: `$merge([
  steps.classify.output.json,
  { "from": input.from, "subject": input.subject, "escalated": steps.escalate.output.body.ok = true }
])`,
  },
};
