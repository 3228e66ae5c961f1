import { joinUrl, Platform } from '../platform';
import { configSchema, httpFailure, httpUrl, isSuccess, plainString, secretString } from '../schema-parts';

/** OpenAI and every server that speaks its API: Ollama, vLLM, LM Studio, Azure-style proxies. */
export const openaiPlatform: Platform = {
  id: 'openai',
  name: 'OpenAI-compatible',
  description: 'OpenAI, or any OpenAI-compatible server (Ollama, vLLM, LM Studio, a proxy): set base_url. For `llm` and `agent` steps.',
  authType: 'api_key',
  configSchema: configSchema(
    'OpenAI-compatible API',
    {
      base_url: httpUrl('API base URL, e.g. http://localhost:11434/v1 for Ollama', 'https://api.openai.com/v1'),
      api_key: secretString('API key (sk-…); optional for servers that need none, such as a local Ollama'),
      organization: plainString('OpenAI organization id', { maxLength: 100 }),
      project: plainString('OpenAI project id', { maxLength: 100 }),
      default_model: plainString('Model used when a step names none', { maxLength: 200, examples: ['gpt-4o-mini'] }),
    },
    [],
  ),
  testEndpoint: 'GET {base_url}/models',
  tools: [
    { name: 'openai.chat_completion', description: 'Generate a chat completion (text or JSON) with a model of this connection' },
    { name: 'openai.create_embedding', description: 'Embed text with an embedding model' },
    { name: 'openai.list_models', description: 'List the models this connection can use' },
  ],
  async test(config, http) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (config.api_key) headers.authorization = `Bearer ${String(config.api_key)}`;
    if (config.organization) headers['openai-organization'] = String(config.organization);
    if (config.project) headers['openai-project'] = String(config.project);
    const res = await http(joinUrl(String(config.base_url), 'models'), { headers });
    if (!isSuccess(res)) return httpFailure('The OpenAI-compatible API', res);
    const models = res.json<{ data?: { id?: unknown }[] }>()?.data;
    if (!Array.isArray(models))
      return { ok: false, reason: 'unexpected', message: 'GET /models did not answer with an OpenAI-style model list' };
    const ids = models.map((m) => m?.id).filter((id): id is string => typeof id === 'string');
    return { ok: true, identity: { models: ids.length, sample: ids.slice(0, 5) } };
  },
};
