import { ConfigError, loadConfig, Logger } from '@agentry/common';
import { randomBytes } from 'node:crypto';
import { WebhooksConfig } from '../config/webhooks.config';
import { SecretSealer } from './secret-sealer';
import { generateSecret } from './webhook-secret';

const config = (env: Record<string, string> = {}) => loadConfig(WebhooksConfig, env);
const quietLogger = () => ({ warn: jest.fn() }) as unknown as Logger & { warn: jest.Mock };

describe(SecretSealer.name, () => {
  const sut = new SecretSealer(config({ WEBHOOK_SECRETS_KEY: randomBytes(32).toString('base64') }), quietLogger());
  const owner = { workspaceId: 'ws_a', endpointId: 'whe_1' };

  it('seals a secret for its row and opens it there', () => {
    const secret = generateSecret();
    const sealed = sut.seal(secret, owner);

    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(sut.open(sealed, owner)).toBe(secret);
    expect(sut.open(sealed, { ...owner })).toBe(secret);
  });

  it('seals a stored value again under the current key: plaintext, or under a key of WEBHOOK_SECRETS_KEYRING', () => {
    const oldKey = randomBytes(32).toString('base64');
    const before = new SecretSealer(config({ WEBHOOK_SECRETS_KEY: oldKey }), quietLogger());
    const ring = new SecretSealer(
      config({ WEBHOOK_SECRETS_KEY: randomBytes(32).toString('base64'), WEBHOOK_SECRETS_KEYRING: oldKey }),
      quietLogger(),
    );
    const secret = generateSecret();
    const old = before.seal(secret, owner);
    const current = ring.seal(secret, owner);

    expect(ring.rotating).toBe(true);
    expect(before.rotating).toBe(false);
    expect(ring.resealed(current, owner)).toBe(current);
    for (const stored of [old, secret]) {
      const again = ring.resealed(stored, owner);
      expect(again.startsWith(ring.currentPrefixes[0])).toBe(true);
      expect(ring.open(again, owner)).toBe(secret);
    }
    expect(ring.currentPrefixes).toHaveLength(1);
    expect(old.startsWith(ring.currentPrefixes[0])).toBe(false);
    expect(() => ring.resealed(old, { ...owner, endpointId: 'whe_2' })).toThrow();
    expect(() => config({ WEBHOOK_SECRETS_KEYRING: `${oldKey},short` })).toThrow(/WEBHOOK_SECRETS_KEYRING: must be base64 keys/);
  });

  it('does not open a secret in another endpoint, workspace, or as a callback secret, even once cached', () => {
    const sealed = sut.seal(generateSecret(), owner);
    sut.open(sealed, owner);

    expect(() => sut.open(sealed, { ...owner, endpointId: 'whe_2' })).toThrow();
    expect(() => sut.open(sealed, { ...owner, workspaceId: 'ws_b' })).toThrow();
    expect(() => sut.open(sealed, { workspaceId: 'ws_a', endpointId: null })).toThrow();
    const callback = sut.seal('whsec_cb', { workspaceId: 'ws_a', endpointId: null });
    expect(sut.open(callback, { workspaceId: 'ws_a', endpointId: null })).toBe('whsec_cb');
    expect(() => sut.open(callback, { workspaceId: 'ws_b', endpointId: null })).toThrow();
  });

  it('refuses a value sealed under another WEBHOOK_SECRETS_KEY', () => {
    const other = new SecretSealer(config({ WEBHOOK_SECRETS_KEY: randomBytes(32).toString('base64') }), quietLogger());

    expect(() => sut.open(other.seal('whsec_x', owner), owner)).toThrow();
  });

  it('reads a plaintext left from before encryption as is, and seals it only once', () => {
    const plain = generateSecret();
    const sealed = sut.ensureSealed(plain, owner);

    expect(sut.open(plain, owner)).toBe(plain);
    expect(sealed).toMatch(/^v1\./);
    expect(sut.ensureSealed(sealed, owner)).toBe(sealed);
    expect(sut.open(sealed, owner)).toBe(plain);
  });

  it('opens the previous secret only while it still signs', () => {
    const [current, previous] = [generateSecret(), generateSecret()];
    const row = {
      secret: sut.seal(current, owner),
      previousSecret: sut.seal(previous, owner),
      previousSecretExpiresAt: new Date('2026-11-24T10:00:00Z'),
    };

    expect(sut.opened(row, owner, new Date('2026-11-24T09:00:00Z'))).toEqual({ ...row, secret: current, previousSecret: previous });
    expect(sut.opened(row, owner, new Date('2026-11-24T11:00:00Z'))).toEqual({ ...row, secret: current, previousSecret: null });
    const stale = { ...row, previousSecret: 'v1.broken.x.y', previousSecretExpiresAt: new Date('2026-11-24T10:00:00Z') };
    expect(
      sut.activeSecrets(
        { current: stale.secret, previous: stale.previousSecret, previousExpiresAt: stale.previousSecretExpiresAt },
        owner,
        new Date('2026-11-25T00:00:00Z'),
      ),
    ).toEqual([current]);
  });

  it('says loudly when it uses the public development key, and works with it', () => {
    const logger = quietLogger();
    const dev = new SecretSealer(config(), logger);

    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('PUBLIC development key'));
    expect(dev.open(dev.seal('whsec_dev', owner), owner)).toBe('whsec_dev');
    expect(quietLogger().warn).not.toHaveBeenCalled();
  });
});

describe(WebhooksConfig.name, () => {
  it('needs WEBHOOK_SECRETS_KEY in production, and checks its form', () => {
    expect(() => config({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => config({ NODE_ENV: 'production' })).toThrow(/WEBHOOK_SECRETS_KEY: is required when NODE_ENV=production/);
    expect(() => config({ WEBHOOK_SECRETS_KEY: 'short' })).toThrow(/WEBHOOK_SECRETS_KEY: must be base64 of exactly 32 bytes/);
    expect(
      config({ NODE_ENV: 'production', WEBHOOK_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') }).WEBHOOK_SECRETS_KEY,
    ).toBeDefined();
    expect(config().WEBHOOK_SECRETS_KEY).toBeUndefined();
  });
});
