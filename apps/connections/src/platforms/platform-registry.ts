import { PlatformView } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { anthropicPlatform } from './catalog/anthropic.platform';
import { githubPlatform } from './catalog/github.platform';
import { httpBasicPlatform } from './catalog/http-basic.platform';
import { httpBearerPlatform } from './catalog/http-bearer.platform';
import { mcpPlatform } from './catalog/mcp.platform';
import { openaiPlatform } from './catalog/openai.platform';
import { slackPlatform } from './catalog/slack.platform';
import { Platform } from './platform';
import { secretFieldsOf } from './secret-fields';

/** Every platform, one module each. Adding one is a new file in catalog/ and a line here. */
export const PLATFORMS: readonly Platform[] = [
  httpBearerPlatform,
  httpBasicPlatform,
  openaiPlatform,
  anthropicPlatform,
  slackPlatform,
  githubPlatform,
  mcpPlatform,
];

export class PlatformRegistry {
  private readonly byId: Map<string, Platform>;

  constructor(platforms: readonly Platform[] = PLATFORMS) {
    this.byId = new Map(platforms.map((p) => [p.id, p]));
  }

  all(): Platform[] {
    return [...this.byId.values()];
  }

  find(id: string): Platform | undefined {
    return this.byId.get(id);
  }

  /** The platform, or INVALID_INPUT naming the field and the choices. */
  require(id: string, field = 'platform'): Platform {
    const platform = this.byId.get(id);
    if (!platform) {
      throw AppError.invalid(`Unknown platform "${id}"`, [{ field, reason: `must be one of: ${[...this.byId.keys()].join(', ')}` }]);
    }
    return platform;
  }
}

export function toPlatformView(p: Platform): PlatformView {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    auth_type: p.authType,
    config_schema: p.configSchema,
    secret_fields: secretFieldsOf(p.configSchema),
    test_endpoint: p.testEndpoint,
    tools: p.tools.map((t) => ({ name: t.name, description: t.description })),
    dynamic_tools: p.dynamicTools ?? false,
  };
}
