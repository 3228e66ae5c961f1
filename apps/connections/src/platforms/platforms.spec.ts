import { TOOL_NAME_PATTERN } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { createSchemaValidator, ConfigValidator } from './config-validator';
import { JsonSchema } from './platform';
import { PLATFORMS, PlatformRegistry, toPlatformView } from './platform-registry';
import { secretFieldsOf } from './secret-fields';

/** A valid config for each platform, and one field that must be refused. */
const VALID: Record<string, Record<string, unknown>> = {
  http_bearer: { base_url: 'https://api.example.com', token: 'tok_1234567890abcdef' },
  http_basic: { base_url: 'https://api.example.com', username: 'ada', password: 'correct horse battery staple' },
  openai: { api_key: 'sk-proj-1234567890abcdef' },
  anthropic: { api_key: 'sk-ant-api03-1234567890abcdef' },
  slack: { bot_token: 'xoxb-1234-5678-abcdef' },
  github: { token: 'ghp_1234567890abcdef' },
  mcp: { url: 'https://mcp.example.com/mcp', auth_token: 'mcp_1234567890', headers: { 'X-Api-Key': 'k-1234567890' } },
};
const SECRETS: Record<string, string[]> = {
  http_bearer: ['token'],
  http_basic: ['password'],
  openai: ['api_key'],
  anthropic: ['api_key'],
  slack: ['bot_token'],
  github: ['token'],
  mcp: ['auth_token', 'headers'],
};
/** Where each platform's base URL lives, with its default (undefined: the user must give one). */
const BASE_URL: Record<string, [string, string | undefined]> = {
  http_bearer: ['base_url', undefined],
  http_basic: ['base_url', undefined],
  openai: ['base_url', 'https://api.openai.com/v1'],
  anthropic: ['base_url', 'https://api.anthropic.com'],
  slack: ['base_url', 'https://slack.com/api'],
  github: ['base_url', 'https://api.github.com'],
  mcp: ['url', undefined],
};

function invalidDetails(fn: () => void): { field: string; reason: string }[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError && err.code === 'INVALID_INPUT') return err.details ?? [];
    throw err;
  }
  throw new Error('expected INVALID_INPUT');
}

describe('platform registry', () => {
  const registry = new PlatformRegistry();
  const validator = new ConfigValidator();

  it('has every platform the SPEC names, each once', () => {
    const ids = PLATFORMS.map((p) => p.id);

    expect(ids).toEqual(expect.arrayContaining(['http_bearer', 'http_basic', 'openai', 'anthropic', 'slack', 'github', 'mcp']));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses an unknown platform, listing the choices', () => {
    expect(invalidDetails(() => registry.require('salesforce'))).toEqual([{ field: 'platform', reason: expect.stringContaining('slack') }]);
  });

  it('gives tool names that are unique across platforms', () => {
    const names = PLATFORMS.flatMap((p) => p.tools.map((t) => t.name));

    expect(new Set(names).size).toBe(names.length);
  });

  describe.each(PLATFORMS.map((p) => [p.id, p] as const))('%s', (id, platform) => {
    const schema = platform.configSchema;
    const props = schema.properties as Record<string, JsonSchema>;

    it('has a config schema that compiles in strict draft 2020-12', () => {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(() => createSchemaValidator().compile(schema)).not.toThrow();
      expect(schema.additionalProperties).toBe(false);
    });

    it('marks exactly its secret fields as x-secret and writeOnly', () => {
      expect(secretFieldsOf(schema)).toEqual(SECRETS[id]);
      for (const field of SECRETS[id]) expect(props[field]).toMatchObject({ 'x-secret': true, writeOnly: true });
      expect(toPlatformView(platform).secret_fields).toEqual(SECRETS[id]);
    });

    it('has a configurable base URL with the right default', () => {
      const [field, fallback] = BASE_URL[id];

      expect(props[field]).toMatchObject({ type: 'string', format: 'uri' });
      expect(props[field].default).toBe(fallback);
      if (fallback === undefined) expect(schema.required).toContain(field);
    });

    it('accepts a valid config and fills in the defaults', () => {
      expect(() => validator.validate(platform, VALID[id])).not.toThrow();
      const filled = validator.withDefaults(platform, VALID[id]);
      const [field, fallback] = BASE_URL[id];
      expect(filled[field]).toBe(VALID[id][field] ?? fallback);
    });

    it('refuses unknown fields and missing required ones, by path', () => {
      const [first] = (schema.required as string[]) ?? [];
      const config: Record<string, unknown> = { ...VALID[id], surprise: true };
      if (first) delete config[first];

      const details = invalidDetails(() => validator.validate(platform, config));

      expect(details).toContainEqual({ field: 'config.surprise', reason: 'unknown field' });
      if (first) expect(details).toContainEqual({ field: `config.${first}`, reason: 'is required' });
    });

    it('refuses wrong types without echoing the value', () => {
      const field = SECRETS[id][0];
      const details = invalidDetails(() => validator.validate(platform, { ...VALID[id], [field]: 12345678901234 }));

      expect(details.map((d) => d.field)).toContain(`config.${field}`);
      expect(JSON.stringify(details)).not.toContain('12345678901234');
    });

    it('refuses a base URL that is not http(s) or carries credentials', () => {
      const [field] = BASE_URL[id];

      expect(invalidDetails(() => validator.validate(platform, { ...VALID[id], [field]: 'ftp://files.example.com' }))).toContainEqual({
        field: `config.${field}`,
        reason: expect.any(String),
      });
      const leaked = invalidDetails(() => validator.validate(platform, { ...VALID[id], [field]: 'https://user:hunter22@api.example.com' }));
      expect(leaked).toContainEqual({ field: `config.${field}`, reason: 'URLs must not carry credentials; use the connection config' });
      expect(JSON.stringify(leaked)).not.toContain('hunter22');
    });

    it('describes what it tests and the tools it provides', () => {
      const view = toPlatformView(platform);

      expect(view.test_endpoint).toMatch(/^(GET|POST) /);
      expect(['bearer', 'basic', 'api_key', 'none']).toContain(view.auth_type);
      if (view.dynamic_tools) expect(view.tools).toEqual([]);
      else expect(view.tools.length).toBeGreaterThan(0);
      for (const tool of view.tools) {
        expect(tool.name).toMatch(TOOL_NAME_PATTERN);
        expect(tool.description.length).toBeGreaterThan(10);
      }
    });
  });

  it('refuses secrets with whitespace, which could split a header', () => {
    const slack = registry.require('slack');

    expect(invalidDetails(() => validator.validate(slack, { bot_token: 'xoxb-1\r\nX-Injected: 1' }))).toContainEqual({
      field: 'config.bot_token',
      reason: expect.stringContaining('must match pattern'),
    });
  });

  it('refuses MCP header names that are not header names', () => {
    const mcp = registry.require('mcp');

    expect(
      invalidDetails(() => validator.validate(mcp, { url: 'https://mcp.example.com', headers: { 'bad header': 'x' } })),
    ).toContainEqual({
      field: 'config.headers',
      reason: 'has a key that is not a valid header name',
    });
  });
});
