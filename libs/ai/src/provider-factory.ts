import { AnthropicProvider } from './anthropic/anthropic.provider';
import { HttpSettings } from './http/provider-http';
import { OpenAiProvider } from './openai/openai.provider';
import { ModelProvider } from './types';

/** Platforms whose connections can drive `llm` and `agent` steps. */
export const MODEL_PLATFORMS = ['openai', 'anthropic'] as const;
export type ModelPlatform = (typeof MODEL_PLATFORMS)[number];

export function isModelPlatform(platform: string): platform is ModelPlatform {
  return (MODEL_PLATFORMS as readonly string[]).includes(platform);
}

/** The provider for a connection's platform and its (decrypted) config, as the connections service stores it. */
export function createProvider(platform: ModelPlatform, config: Record<string, unknown>, http: Partial<HttpSettings> = {}): ModelProvider {
  const str = (k: string) => (typeof config[k] === 'string' && config[k] !== '' ? (config[k] as string) : undefined);
  if (platform === 'anthropic') {
    return new AnthropicProvider({
      baseUrl: str('base_url') ?? 'https://api.anthropic.com',
      apiKey: str('api_key') ?? '',
      version: str('anthropic_version'),
      http,
    });
  }
  return new OpenAiProvider({
    baseUrl: str('base_url') ?? 'https://api.openai.com/v1',
    apiKey: str('api_key'),
    organization: str('organization'),
    project: str('project'),
    http,
  });
}
