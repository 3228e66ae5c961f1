import { AgentTemplate } from './agent-template';

export const approvalGatedOutreachTemplate: AgentTemplate = {
  id: 'approval-gated-outreach',
  name: 'Approval-gated outreach',
  description:
    'Drafts a personal first-touch email to a lead with an LLM, waits (up to 3 days) for a person to approve it, then sends it ' +
    "through the Resend API. Nothing is sent without approval; a rejection ends the run with the reviewer's comment. Input: the " +
    'lead, what you offer, the sender and `email_connection_id` (an http_bearer connection holding your Resend API key).',
  tags: ['sales', 'outreach', 'approval', 'llm'],
  llm: { model: 'gpt-4o-mini' },
  definition: {
    input_schema: {
      type: 'object',
      required: ['lead', 'offer', 'from', 'email_connection_id'],
      properties: {
        lead: {
          type: 'object',
          required: ['email', 'name'],
          properties: {
            email: { type: 'string', format: 'email' },
            name: { type: 'string', minLength: 1 },
            company: { type: 'string' },
            notes: { type: 'string', maxLength: 2000 },
          },
        },
        offer: { type: 'string', minLength: 1, maxLength: 2000, description: 'What you sell and why it helps.' },
        from: { type: 'string', minLength: 3, description: 'Sender, e.g. "Ana Silva <ana@acme.com>" (a domain verified in Resend).' },
        email_connection_id: { type: 'string', pattern: '^con_' },
      },
    },
    steps: [
      {
        id: 'draft',
        type: 'llm',
        with: {
          messages: [
            {
              role: 'system',
              content:
                'You write short, specific first-touch sales emails: under 120 words, no buzzwords, one clear question as the ' +
                "call to action, signed with the sender's first name. Never invent facts about the lead.",
            },
            {
              role: 'user',
              content:
                'Sender: {{ input.from }}\nLead: {{ $string(input.lead) }}\nOffer: {{ input.offer }}\n\nWrite the subject and the plain-text body.',
            },
          ],
          temperature: 0.6,
          max_tokens: 500,
          response_schema: {
            type: 'object',
            required: ['subject', 'body'],
            properties: { subject: { type: 'string', maxLength: 120 }, body: { type: 'string' } },
          },
        },
        retry: { max_attempts: 3, backoff_ms: 1000, factor: 2 },
        timeout_ms: 60_000,
      },
      {
        id: 'review',
        type: 'approval',
        with: {
          message:
            'Send this email to {{ input.lead.name }} <{{ input.lead.email }}>?\n\n' +
            'Subject: {{ steps.draft.output.json.subject }}\n\n{{ steps.draft.output.json.body }}',
          timeout_ms: 259_200_000,
        },
      },
      {
        id: 'rejected',
        type: 'stop',
        if: '$not(steps.review.output.approved = true)',
        with: {
          output: {
            sent: false,
            reason: 'not approved',
            comment: '{{ steps.review.output.comment }}',
            reviewer: '{{ steps.review.output.approver }}',
          },
        },
      },
      {
        id: 'send',
        type: 'http',
        with: {
          method: 'POST',
          url: 'https://api.resend.com/emails',
          connection_id: '{{ input.email_connection_id }}',
          headers: { 'content-type': 'application/json' },
          body: {
            from: '{{ input.from }}',
            to: ['{{ input.lead.email }}'],
            subject: '{{ steps.draft.output.json.subject }}',
            text: '{{ steps.draft.output.json.body }}',
          },
          timeout_ms: 15_000,
        },
        retry: { max_attempts: 3, backoff_ms: 2000, factor: 2 },
      },
    ],
    output: `{
  "sent": steps.send.output.status >= 200 and steps.send.output.status < 300,
  "email_id": steps.send.output.body.id,
  "subject": steps.draft.output.json.subject,
  "approved_by": steps.review.output.approver
}`,
  },
};
