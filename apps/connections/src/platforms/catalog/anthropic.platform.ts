import { joinUrl, Platform } from '../platform';
import { configSchema, httpFailure, httpUrl, isSuccess, plainString, secretString } from '../schema-parts';

export const anthropicPlatform: Platform = {
  id: 'anthropic',
  name: 'Anthropic',
  description: 'Claude models through the Anthropic Messages API. For `llm` and `agent` steps.',
  authType: 'api_key',
  configSchema: configSchema(
    'Anthropic API',
    {
      base_url: httpUrl('API base URL', 'https://api.anthropic.com'),
      api_key: secretString('API key (sk-ant-…)'),
      anthropic_version: plainString('Value of the anthropic-version header', {
        default: '2023-06-01',
        maxLength: 20,
        pattern: '^[0-9-]+$',
      }),
      default_model: plainString('Model used when a step names none', { maxLength: 200, examples: ['claude-sonnet-4-5'] }),
    },
    ['api_key'],
  ),
  testEndpoint: 'GET {base_url}/v1/models',
  tools: [
    { name: 'anthropic.create_message', description: 'Generate a message with a Claude model' },
    { name: 'anthropic.list_models', description: 'List the models this key can use' },
  ],
  async test(config, http) {
    const res = await http(joinUrl(String(config.base_url), 'v1/models'), {
      headers: { 'x-api-key': String(config.api_key), 'anthropic-version': String(config.anthropic_version), accept: 'application/json' },
    });
    if (!isSuccess(res)) return httpFailure('Anthropic', res);
    const models = res.json<{ data?: { id?: unknown }[] }>()?.data;
    const ids = Array.isArray(models) ? models.map((m) => m?.id).filter((id): id is string => typeof id === 'string') : [];
    return { ok: true, identity: { models: ids.length, sample: ids.slice(0, 5) } };
  },
};
