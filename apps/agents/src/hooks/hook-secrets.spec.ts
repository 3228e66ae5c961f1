import { ConfigError, loadConfig } from '@agentry/common';
import { HooksConfig } from '../config/hooks.config';
import { HookSecrets } from './hook-secrets';

describe(HookSecrets.name, () => {
  const sut = new HookSecrets();

  it('seals and opens a secret, with a new IV every time', () => {
    const key = sut.newKey();
    const a = sut.encrypt(key);
    const b = sut.encrypt(key);

    expect(key).toMatch(/^hk_[A-Za-z0-9_-]{32}$/);
    expect(sut.newSigningSecret()).toMatch(/^hsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(key);
    expect(sut.decrypt(a)).toBe(key);
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = sut.encrypt('hk_secret').split('.');
    sealed[3] = Buffer.from('tampered').toString('base64url');

    expect(() => sut.decrypt(sealed.join('.'))).toThrow();
  });

  it('compares key hashes in constant time, and only equal ones match', () => {
    const h = HookSecrets.sha256('hk_a');

    expect(HookSecrets.sameHash(h, HookSecrets.sha256('hk_a'))).toBe(true);
    expect(HookSecrets.sameHash(h, HookSecrets.sha256('hk_b'))).toBe(false);
    expect(HookSecrets.sameHash(h, '')).toBe(false);
  });
});

describe(HooksConfig.name, () => {
  it('needs HOOK_SECRETS_KEY in production, and checks its form', () => {
    expect(() => loadConfig(HooksConfig, { NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig(HooksConfig, { HOOK_SECRETS_KEY: 'short' })).toThrow(/HOOK_SECRETS_KEY: must be base64 of exactly 32 bytes/);
    expect(
      loadConfig(HooksConfig, { NODE_ENV: 'production', HOOK_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') }).HOOK_SECRETS_KEY,
    ).toBeDefined();
    expect(loadConfig(HooksConfig, {}).HOOK_SECRETS_KEY).toBeUndefined();
  });
});
