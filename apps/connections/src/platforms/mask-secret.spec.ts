import { HIDDEN_MASK, maskSecret } from './mask-secret';
import { maskSecrets, scrub, secretValues, splitConfig } from './secret-fields';
import { PlatformRegistry } from './platform-registry';

describe(maskSecret.name, () => {
  it.each([
    ['sk-1234567890abcdefa1b2', 'sk-…a1b2'],
    ['sk-proj-1234567890abcdefa1b2', 'sk-proj-…a1b2'],
    ['sk-ant-api03-1234567890abcdefXYZW', 'sk-ant-…XYZW'],
    ['xoxb-1111-2222-abcdefghijkl', 'xoxb-…ijkl'],
    ['ghp_abcdefghijklmnopqrstuvwxyz', 'ghp_…wxyz'],
    ['github_pat_11ABCDEFG0123456789abcdefghijk', 'github_pat_…hijk'],
    ['0123456789abcdefghij', '…ghij'],
  ])('masks %s as %s', (value, masked) => {
    expect(maskSecret(value)).toBe(masked);
  });

  it('shows nothing of a value shorter than 12 characters', () => {
    expect(maskSecret('hunter22')).toBe(HIDDEN_MASK);
    expect(maskSecret('abcdefghijk')).toBe(HIDDEN_MASK);
  });

  it('never shows more than half of a value', () => {
    for (const value of ['sk-proj-abcd', 'sk-proj-abcdefghij', 'github_pat_abcdefgh', 'x'.repeat(12), 'y'.repeat(200)]) {
      const shown = maskSecret(value).replace('…', '').replace(HIDDEN_MASK, '');
      expect(shown.length).toBeLessThanOrEqual(value.length / 2);
    }
  });
});

describe('secret fields', () => {
  const registry = new PlatformRegistry();

  it('splits a config into the clear part and the secrets', () => {
    const schema = registry.require('openai').configSchema;

    expect(splitConfig(schema, { base_url: 'https://x.example/v1', api_key: 'sk-1234567890abcdefa1b2' })).toEqual({
      plain: { base_url: 'https://x.example/v1' },
      secrets: { api_key: 'sk-1234567890abcdefa1b2' },
    });
  });

  it('hides passwords completely and masks each header value', () => {
    expect(maskSecrets(registry.require('http_basic').configSchema, { password: 'correct horse battery staple' })).toEqual({
      password: HIDDEN_MASK,
    });
    expect(
      maskSecrets(registry.require('mcp').configSchema, { headers: { 'X-Api-Key': 'key-1234567890abcd' }, auth_token: 'short' }),
    ).toEqual({
      headers: { 'X-Api-Key': 'key-…abcd' },
      auth_token: HIDDEN_MASK,
    });
  });

  it('scrubs every secret, nested ones included, from a text', () => {
    const secrets = secretValues({ api_key: 'sk-secret-value-1', headers: { a: 'nested-secret-2' } });

    expect(scrub('bad key sk-secret-value-1 and nested-secret-2 twice: sk-secret-value-1', secrets)).toBe(
      'bad key [redacted] and [redacted] twice: [redacted]',
    );
  });
});
