import { AgentTemplate } from './agent-template';

export const leadQualificationTemplate: AgentTemplate = {
  id: 'lead-qualification',
  name: 'Lead qualification',
  description:
    'Scores an inbound lead (0-100, hot/warm/cold) with an LLM from its email, company, size and message, and POSTs warm and hot ' +
    'leads to your CRM webhook when `crm_webhook_url` is given. Set `llm.connection_id` to an OpenAI-compatible connection.',
  tags: ['sales', 'llm'],
  llm: { model: 'gpt-4o-mini' },
  definition: {
    input_schema: {
      type: 'object',
      required: ['email'],
      properties: {
        email: { type: 'string', format: 'email' },
        name: { type: 'string', maxLength: 200 },
        company: { type: 'string', maxLength: 200 },
        employees: { type: 'integer', minimum: 0 },
        message: { type: 'string', maxLength: 5000 },
        crm_webhook_url: { type: 'string', format: 'uri', description: 'Warm and hot leads are POSTed here as JSON.' },
      },
    },
    steps: [
      {
        id: 'enrich',
        type: 'transform',
        with: {
          expression: `(
  $domain := $lowercase($substringAfter(input.email, "@"));
  $free := ["gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com", "proton.me", "gmx.com"];
  {
    "email": $lowercase(input.email),
    "name": input.name,
    "domain": $domain,
    "free_email": $domain in $free,
    "company": input.company ? input.company : $domain,
    "employees": input.employees,
    "message": input.message ? $substring(input.message, 0, 2000) : ""
  }
)`,
        },
      },
      {
        id: 'score',
        type: 'llm',
        with: {
          messages: [
            {
              role: 'system',
              content:
                'You qualify B2B sales leads. Score 0-100 for fit and buying intent: company size, a business (not free) email ' +
                'domain and a concrete need in the message raise the score. tier: hot >= 70, warm 40-69, cold < 40. ' +
                'Give at most three short reasons.',
            },
            { role: 'user', content: 'Lead: {{ $string(steps.enrich.output) }}' },
          ],
          temperature: 0,
          max_tokens: 300,
          response_schema: {
            type: 'object',
            required: ['score', 'tier', 'reasons'],
            additionalProperties: false,
            properties: {
              score: { type: 'integer', minimum: 0, maximum: 100 },
              tier: { type: 'string', enum: ['hot', 'warm', 'cold'] },
              reasons: { type: 'array', items: { type: 'string' }, maxItems: 3 },
            },
          },
        },
        retry: { max_attempts: 3, backoff_ms: 1000, factor: 2 },
        timeout_ms: 60_000,
      },
      {
        id: 'notify_crm',
        type: 'http',
        if: '$exists(input.crm_webhook_url) and steps.score.output.json.tier != "cold"',
        with: {
          method: 'POST',
          url: '{{ input.crm_webhook_url }}',
          headers: { 'content-type': 'application/json' },
          body: {
            email: '{{ steps.enrich.output.email }}',
            name: '{{ steps.enrich.output.name }}',
            company: '{{ steps.enrich.output.company }}',
            score: '{{ steps.score.output.json.score }}',
            tier: '{{ steps.score.output.json.tier }}',
            reasons: '{{ steps.score.output.json.reasons }}',
          },
          timeout_ms: 10_000,
        },
        retry: { max_attempts: 5, backoff_ms: 2000, factor: 2 },
        on_error: 'continue',
      },
    ],
    output: `{
  "email": steps.enrich.output.email,
  "company": steps.enrich.output.company,
  "score": steps.score.output.json.score,
  "tier": steps.score.output.json.tier,
  "reasons": steps.score.output.json.reasons,
  "sent_to_crm": $exists(steps.notify_crm.output.status) and steps.notify_crm.output.status < 300
}`,
  },
};
