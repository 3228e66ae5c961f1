import { randomBytes } from 'node:crypto';
import { SealedSecrets } from './sealed-secret';

describe(SealedSecrets.name, () => {
  const sut = SealedSecrets.derive('agentry-test', randomBytes(32));
  const aad = JSON.stringify(['endpoint', 'ws_1', 'whe_1']);

  /** Replaces one base64url part of a v1 sealed value (1 iv, 2 tag, 3 ciphertext). */
  const withPart = (sealed: string, index: number, change: (b: Buffer) => Buffer) => {
    const parts = sealed.split('.');
    parts[index] = change(Buffer.from(parts[index], 'base64url')).toString('base64url');
    return parts.join('.');
  };
  const flipFirstBit = (b: Buffer) => {
    const copy = Buffer.from(b);
    copy[0] ^= 1;
    return copy;
  };

  it('round-trips a secret, with and without AAD, in the v1 format (no rotation under way) and a new IV every time', () => {
    const plain = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ☃';
    const a = sut.seal(plain, aad);
    const b = sut.seal(plain, aad);

    // v1: what the versions before keyrings read, so a rolling update to this one breaks no replica
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sut.isCurrent(a)).toBe(true);
    expect(sut.isCurrent(plain)).toBe(false);
    expect(a).not.toBe(b);
    expect(a).not.toContain('whsec_');
    expect(sut.open(a, aad)).toBe(plain);
    expect(sut.open(b, aad)).toBe(plain);
    expect(sut.open(sut.seal(plain), undefined)).toBe(plain);
    expect(SealedSecrets.isSealed(a)).toBe(true);
    expect(SealedSecrets.isSealed(plain)).toBe(false);
  });

  it('refuses another AAD: a ciphertext copied to another record does not open', () => {
    const sealed = sut.seal('whsec_a', aad);

    expect(() => sut.open(sealed, JSON.stringify(['endpoint', 'ws_1', 'whe_2']))).toThrow();
    expect(() => sut.open(sealed, JSON.stringify(['endpoint', 'ws_2', 'whe_1']))).toThrow();
    expect(() => sut.open(sealed)).toThrow();
    expect(() => sut.open(sut.seal('whsec_a'), aad)).toThrow();
  });

  it('refuses a tampered ciphertext, IV or tag, a truncated tag and a malformed value', () => {
    const sealed = sut.seal('whsec_a', aad);

    expect(() => sut.open(withPart(sealed, 3, flipFirstBit), aad)).toThrow();
    expect(() => sut.open(withPart(sealed, 1, flipFirstBit), aad)).toThrow();
    expect(() => sut.open(withPart(sealed, 2, flipFirstBit), aad)).toThrow();
    expect(() =>
      sut.open(
        withPart(sealed, 2, (b) => b.subarray(0, 4)),
        aad,
      ),
    ).toThrow();
    expect(() => sut.open(sealed.split('.').slice(0, 3).join('.'), aad)).toThrow(/malformed/);
    expect(() => sut.open(sealed.replace(/^v1/, 'v9'), aad)).toThrow(/unknown sealed secret format v9/);
    const v2 = SealedSecrets.derive('agentry-test', randomBytes(32), [randomBytes(32)]).seal('whsec_a', aad);
    expect(() => sut.open(v2.split('.').slice(0, 4).join('.'), aad)).toThrow(/malformed/);
  });

  it('refuses a value sealed under another master key or for another domain', () => {
    const master = randomBytes(32);
    const sealed = SealedSecrets.derive('agentry-webhooks', master).seal('whsec_a', aad);

    expect(SealedSecrets.derive('agentry-webhooks', master).open(sealed, aad)).toBe('whsec_a');
    expect(() => SealedSecrets.derive('agentry-hooks', master).open(sealed, aad)).toThrow();
    expect(() => SealedSecrets.derive('agentry-webhooks', randomBytes(32)).open(sealed, aad)).toThrow();
  });

  it('opens what the agents service sealed before this helper was extracted (same key derivation and format)', () => {
    const hooks = SealedSecrets.derive('agentry-hooks', Buffer.from('agentry-development-hook-secrets-key-do-not-use-in-production'));

    expect(hooks.open('v1.O8C_fKJdV3KgxHvm.eqpibmeTVTSMNvuIs5MQBw.5NkCZWo0bflg0tVcKUjAUniLivLkgIFI')).toBe('hk_before-the-extraction');
  });

  describe('keyring', () => {
    const oldMaster = randomBytes(32);
    const newMaster = randomBytes(32);
    const before = SealedSecrets.derive('agentry-webhooks', oldMaster);
    const ring = SealedSecrets.derive('agentry-webhooks', newMaster, [oldMaster]);

    it('opens a value sealed under an older key, and seals under the current one, naming it (v2)', () => {
      const old = before.seal('whsec_old', aad);
      const fresh = ring.seal('whsec_new', aad);

      expect(fresh).toMatch(new RegExp(`^v2\\.${ring.keyId}\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]+$`));
      expect(ring.currentPrefixes).toEqual([`v2.${ring.keyId}.`]);
      expect(before.currentPrefixes).toEqual(['v1.']);
      expect(before.isCurrent(fresh)).toBe(false);
      expect(ring.open(old, aad)).toBe('whsec_old');
      expect(ring.open(fresh, aad)).toBe('whsec_new');
      expect(ring.isCurrent(old)).toBe(false);
      expect(ring.isCurrent(fresh)).toBe(true);
      expect(before.isCurrent(old)).toBe(true);
      // the previous configuration cannot open what the new key sealed: why a rotation adds the key to the ring first
      expect(() => before.open(fresh, aad)).toThrow(/not in the keyring/);
    });

    it('names the key by an id that is stable and reveals nothing of it', () => {
      const id = ring.keyId;

      expect(id).toMatch(/^[A-Za-z0-9_-]{8}$/);
      expect(SealedSecrets.derive('agentry-webhooks', newMaster).keyId).toBe(id);
      expect(SealedSecrets.derive('agentry-hooks', newMaster).keyId).not.toBe(id);
      expect(newMaster.toString('base64url')).not.toContain(id);
    });

    it('reads a v1 value (no key id) under any key of the ring, and still checks its AAD', () => {
      // without older keys, values are sealed as v1
      const v1 = (key: Buffer, plain: string) => SealedSecrets.derive('agentry-webhooks', key).seal(plain, aad);

      expect(ring.open(v1(oldMaster, 'whsec_a'), aad)).toBe('whsec_a');
      expect(ring.open(v1(newMaster, 'whsec_b'), aad)).toBe('whsec_b');
      expect(ring.isCurrent(v1(newMaster, 'whsec_b'))).toBe(false);
      expect(() => ring.open(v1(oldMaster, 'whsec_a'), 'another record')).toThrow();
      expect(() => ring.open(v1(randomBytes(32), 'whsec_c'), aad)).toThrow();
      const hooks = SealedSecrets.derive('agentry-hooks', randomBytes(32), [
        Buffer.from('agentry-development-hook-secrets-key-do-not-use-in-production'),
      ]);
      expect(hooks.open('v1.O8C_fKJdV3KgxHvm.eqpibmeTVTSMNvuIs5MQBw.5NkCZWo0bflg0tVcKUjAUniLivLkgIFI')).toBe('hk_before-the-extraction');
    });
  });
});
