import { loadConfig } from '@agentry/common';
import { randomBytes } from 'node:crypto';
import { ConnectionsConfig } from '../config/connections.config';
import { DEV_MASTER_KEY, DEV_MASTER_KEY_ID, decodeMasterKey, masterKeyFingerprint, parseKeyring } from './master-key';
import { MasterKeyring } from './master-keyring';

const b64 = () => randomBytes(32).toString('base64');

function configProblems(env: Record<string, string>): string {
  try {
    loadConfig(ConnectionsConfig, env);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

describe(MasterKeyring.name, () => {
  it('uses the configured key and id as primary', () => {
    const key = b64();

    const { keyring, usingDevKey } = MasterKeyring.fromSettings({
      NODE_ENV: 'production',
      AGENTRY_MASTER_KEY: key,
      AGENTRY_MASTER_KEY_ID: 'prod-2026',
    });

    expect(usingDevKey).toBe(false);
    expect(keyring.primary.id).toBe('prod-2026');
    expect(keyring.primary.key.equals(Buffer.from(key, 'base64'))).toBe(true);
    expect(keyring.ids()).toEqual(['prod-2026']);
  });

  it('names a key by its fingerprint when no id is given', () => {
    const key = b64();

    const { keyring } = MasterKeyring.fromSettings({ NODE_ENV: 'production', AGENTRY_MASTER_KEY: key });

    expect(keyring.primary.id).toBe(masterKeyFingerprint(Buffer.from(key, 'base64')));
    expect(keyring.primary.id).toMatch(/^mk_[0-9a-f]{16}$/);
    expect(keyring.primary.id).not.toContain(key.slice(0, 8));
  });

  it('falls back to the public development key outside production, and says so', () => {
    const { keyring, usingDevKey } = MasterKeyring.fromSettings({ NODE_ENV: 'development' });

    expect(usingDevKey).toBe(true);
    expect(keyring.primary).toEqual({ id: DEV_MASTER_KEY_ID, key: DEV_MASTER_KEY });
  });

  it('refuses to run without a key in production', () => {
    expect(() => MasterKeyring.fromSettings({ NODE_ENV: 'production' })).toThrow('AGENTRY_MASTER_KEY is required when NODE_ENV=production');
  });

  it('refuses the development key in production', () => {
    expect(() => MasterKeyring.fromSettings({ NODE_ENV: 'production', AGENTRY_MASTER_KEY: DEV_MASTER_KEY.toString('base64') })).toThrow(
      /development key/,
    );
  });

  it('keeps older keys for reading, and the development key only outside production', () => {
    const old = b64();
    const settings = { AGENTRY_MASTER_KEY: b64(), AGENTRY_MASTER_KEY_ID: 'k2', AGENTRY_MASTER_KEYRING: `k1:${old}` };

    expect(MasterKeyring.fromSettings({ ...settings, NODE_ENV: 'production' }).keyring.ids()).toEqual(['k2', 'k1']);
    expect(MasterKeyring.fromSettings({ ...settings, NODE_ENV: 'development' }).keyring.ids()).toEqual(['k2', 'k1', DEV_MASTER_KEY_ID]);
  });

  it('refuses two different keys under one id', () => {
    expect(() =>
      MasterKeyring.fromSettings({
        NODE_ENV: 'production',
        AGENTRY_MASTER_KEY: b64(),
        AGENTRY_MASTER_KEY_ID: 'k1',
        AGENTRY_MASTER_KEYRING: `k1:${b64()}`,
      }),
    ).toThrow('Two different master keys share the id "k1"');
  });
});

describe('master key parsing', () => {
  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['too long', randomBytes(48).toString('base64')],
    ['not base64', '!'.repeat(44)],
    ['empty', ''],
  ])('rejects a key that is %s', (_, text) => {
    expect(decodeMasterKey(text)).toBeNull();
  });

  it('accepts base64 and base64url of 32 bytes', () => {
    const raw = randomBytes(32);

    expect(decodeMasterKey(raw.toString('base64'))!.equals(raw)).toBe(true);
    expect(decodeMasterKey(raw.toString('base64url'))!.equals(raw)).toBe(true);
  });

  it('parses a keyring of id:key and bare keys', () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];

    const ring = parseKeyring(` old:${a.toString('base64')} , ${b.toString('base64')} `);

    expect(ring.map((k) => k.id)).toEqual(['old', masterKeyFingerprint(b)]);
  });

  it('reports a bad keyring entry by position, never by value', () => {
    const bad = 'k1:c2VjcmV0LXZhbHVl';

    expect(() => parseKeyring(`k0:${b64()},${bad}`)).toThrow('entry 2: the key must be base64 of 32 bytes');
    expect(() => parseKeyring(`bad id:${b64()}`)).toThrow('entry 1: the key id must be');
  });
});

describe(ConnectionsConfig.name, () => {
  it('refuses to start in production without a master key, saying how to make one', () => {
    const message = configProblems({ NODE_ENV: 'production' });

    expect(message).toContain('AGENTRY_MASTER_KEY: is required when NODE_ENV=production');
    expect(message).toContain('openssl rand -base64 32');
  });

  it('starts in development and test without one', () => {
    expect(configProblems({ NODE_ENV: 'development' })).toBe('');
    expect(configProblems({ NODE_ENV: 'test' })).toBe('');
  });

  it('names a malformed key without echoing it', () => {
    const secretish = 'c2VjcmV0LXZhbHVlLXRoYXQtaXMtd3Jvbmc=';

    const message = configProblems({ NODE_ENV: 'test', AGENTRY_MASTER_KEY: secretish, AGENTRY_MASTER_KEYRING: `k:${secretish}` });

    expect(message).toContain('AGENTRY_MASTER_KEY: must be base64 of 32 random bytes');
    expect(message).toContain('AGENTRY_MASTER_KEYRING: must be a comma-separated list');
    expect(message).not.toContain(secretish);
  });

  it('refuses the public development key in production', () => {
    expect(configProblems({ NODE_ENV: 'production', AGENTRY_MASTER_KEY: DEV_MASTER_KEY.toString('base64') })).toContain(
      'public development key',
    );
  });

  it('reads the private-network switch and the test budget', () => {
    const config = loadConfig(ConnectionsConfig, { AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true', CONNECTION_TEST_TIMEOUT_MS: '1500' });

    expect(config.AGENTRY_ALLOW_PRIVATE_NETWORKS).toBe(true);
    expect(config.CONNECTION_TEST_TIMEOUT_MS).toBe(1500);
    expect(loadConfig(ConnectionsConfig, {}).AGENTRY_ALLOW_PRIVATE_NETWORKS).toBe(false);
  });
});
