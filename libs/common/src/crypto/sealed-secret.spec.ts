import { randomBytes } from 'node:crypto';
import { SealedSecrets } from './sealed-secret';

describe(SealedSecrets.name, () => {
  const sut = SealedSecrets.derive('agentry-test', randomBytes(32));
  const aad = JSON.stringify(['endpoint', 'ws_1', 'whe_1']);

  /** Replaces one base64url part of a sealed value (1 iv, 2 tag, 3 ciphertext). */
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

  it('round-trips a secret, with and without AAD, in the v1 format and a new IV every time', () => {
    const plain = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ☃';
    const a = sut.seal(plain, aad);
    const b = sut.seal(plain, aad);

    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
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
});
