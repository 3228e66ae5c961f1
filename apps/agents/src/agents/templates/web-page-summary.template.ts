import { AgentTemplate } from './agent-template';

export const webPageSummaryTemplate: AgentTemplate = {
  id: 'web-page-summary',
  name: 'Web page summary',
  description:
    'Fetches a public web page, strips it to text and returns a title, a summary of at most `max_words` words (default 120) and ' +
    'key points as JSON. Useful behind a "summarize this link" button or as a step other agents call.',
  tags: ['research', 'llm'],
  llm: { model: 'gpt-4o-mini' },
  definition: {
    input_schema: {
      type: 'object',
      required: ['url'],
      properties: {
        url: { type: 'string', format: 'uri', pattern: '^https?://' },
        max_words: { type: 'integer', minimum: 20, maximum: 1000, default: 120 },
      },
    },
    steps: [
      {
        id: 'fetch',
        type: 'http',
        with: {
          method: 'GET',
          url: '{{ input.url }}',
          headers: { accept: 'text/html, text/plain;q=0.9', 'user-agent': 'AgentryBot/1.0 (+summary)' },
          timeout_ms: 15_000,
        },
        retry: { max_attempts: 2, backoff_ms: 1000, factor: 2 },
      },
      {
        id: 'unreachable',
        type: 'stop',
        if: 'steps.fetch.output.status >= 400',
        with: { output: { url: '{{ input.url }}', error: 'The page answered HTTP {{ steps.fetch.output.status }}' } },
      },
      {
        id: 'text',
        type: 'transform',
        with: {
          expression: String.raw`(
  $html := $string(steps.fetch.output.body);
  $noCode := $replace($html, /<(script|style|noscript)[^>]*>[\s\S]*?<\/(script|style|noscript)>/i, " ");
  $plain := $replace($replace($noCode, /<[^>]+>/, " "), /&nbsp;|&#160;/, " ");
  $substring($trim($replace($plain, /\s+/, " ")), 0, 12000)
)`,
        },
      },
      {
        id: 'summarize',
        type: 'llm',
        with: {
          prompt:
            'Summarize the web page {{ input.url }} in at most {{ $exists(input.max_words) ? input.max_words : 120 }} words, ' +
            'then list up to five key points. Use only the text below.\n\n{{ steps.text.output }}',
          temperature: 0.2,
          max_tokens: 800,
          response_schema: {
            type: 'object',
            required: ['title', 'summary', 'key_points'],
            properties: {
              title: { type: 'string' },
              summary: { type: 'string' },
              key_points: { type: 'array', items: { type: 'string' }, maxItems: 5 },
            },
          },
        },
        retry: { max_attempts: 3, backoff_ms: 1000, factor: 2 },
        timeout_ms: 90_000,
      },
    ],
    output: '$merge([{ "url": input.url }, steps.summarize.output.json])',
  },
};
