import { AgentTemplate } from './agent-template';

export const dailyDigestTemplate: AgentTemplate = {
  id: 'daily-digest',
  name: 'Daily digest',
  description:
    'Once a day (attach a schedule, e.g. cron `0 8 * * 1-5` in your time zone), collects the last 24 hours of Hacker News stories ' +
    'about a topic, has an LLM write a short digest and posts it to Slack. Schedule input: `{ "topic": "postgres", ' +
    '"slack_connection_id": "con_…", "channel": "#news" }`.',
  tags: ['digest', 'slack', 'schedule', 'llm'],
  llm: { model: 'gpt-4o-mini' },
  definition: {
    input_schema: {
      type: 'object',
      required: ['topic', 'slack_connection_id', 'channel'],
      properties: {
        topic: { type: 'string', minLength: 1, maxLength: 100 },
        slack_connection_id: { type: 'string', pattern: '^con_' },
        channel: { type: 'string', minLength: 1 },
        min_points: { type: 'integer', minimum: 0, default: 10 },
      },
    },
    steps: [
      {
        id: 'fetch',
        type: 'http',
        with: {
          method: 'GET',
          url:
            'https://hn.algolia.com/api/v1/search_by_date?tags=story&hitsPerPage=100&query={{ $encodeUrlComponent(input.topic) }}' +
            '&numericFilters=created_at_i%3E{{ $floor($toMillis($now()) / 1000) - 86400 }}',
          headers: { accept: 'application/json' },
          timeout_ms: 15_000,
        },
        retry: { max_attempts: 3, backoff_ms: 2000, factor: 2 },
      },
      {
        id: 'pick',
        type: 'transform',
        with: {
          expression: `(
  $min := $exists(input.min_points) ? input.min_points : 10;
  $hits := steps.fetch.output.body.hits[points >= $min];
  $top := $sort($hits, function($a, $b) { $a.points < $b.points });
  {
    "count": $count($top),
    "items": [$top[[0..9]].{
      "title": title,
      "url": url ? url : "https://news.ycombinator.com/item?id=" & objectID,
      "points": points,
      "comments": num_comments
    }]
  }
)`,
        },
      },
      {
        id: 'nothing_new',
        type: 'stop',
        if: 'steps.pick.output.count = 0',
        with: { output: { posted: false, stories: 0, reason: 'No stories about {{ input.topic }} in the last 24 hours' } },
      },
      {
        id: 'summarize',
        type: 'llm',
        with: {
          prompt:
            'Write a Slack-formatted daily digest about "{{ input.topic }}" from these stories (JSON). One bullet per story: ' +
            'a <url|title> link and one sentence on why it matters. Start with a one-line overview. No preamble.\n\n' +
            '{{ $string(steps.pick.output.items) }}',
          temperature: 0.3,
          max_tokens: 800,
        },
        retry: { max_attempts: 3, backoff_ms: 1000, factor: 2 },
        timeout_ms: 90_000,
      },
      {
        id: 'post',
        type: 'http',
        with: {
          method: 'POST',
          url: 'https://slack.com/api/chat.postMessage',
          connection_id: '{{ input.slack_connection_id }}',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: {
            channel: '{{ input.channel }}',
            text: '*Daily digest: {{ input.topic }}*\n{{ steps.summarize.output.text }}',
            unfurl_links: false,
          },
        },
        retry: { max_attempts: 5, backoff_ms: 1000, factor: 3 },
      },
    ],
    output: '{ "posted": steps.post.output.body.ok = true, "stories": steps.pick.output.count, "digest": steps.summarize.output.text }',
  },
};
