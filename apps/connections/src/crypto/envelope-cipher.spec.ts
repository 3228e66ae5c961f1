import { randomBytes } from 'node:crypto';
import { DecryptionError, EnvelopeCipher, SealedSecrets } from './envelope-cipher';
import { MasterKey } from './master-key';
import { MasterKeyring } from './master-keyring';

const key = (id: string): MasterKey => ({ id, key: randomBytes(32) });
const binding = { recordId: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4G', workspaceId: 'wks_01JD5Z4Q9X7N3B2V1C0M8K6H4G' };
const secrets = { api_key: 'sk-proj-abcdefghijklmnopqrstuvwxyz1234', headers: { 'X-Key': 'hdr-secret-value-123' } };

function flip(buf: Buffer, index: number): Buffer {
  const copy = Buffer.from(buf);
  copy[index] ^= 0x01;
  return copy;
}

describe(EnvelopeCipher.name, () => {
  const k1 = key('k1');
  const sut = new EnvelopeCipher(new MasterKeyring(k1));

  it('round-trips the secrets', () => {
    const sealed = sut.seal(secrets, binding);

    expect(sut.open(sealed, binding)).toEqual(secrets);
    expect(sealed.masterKeyId).toBe('k1');
    expect(sealed.version).toBe(1);
  });

  it('never stores the plaintext or the data key in the clear', () => {
    const sealed = sut.seal(secrets, binding);
    const stored = Buffer.concat([sealed.ciphertext, sealed.wrappedKey]);

    expect(stored.includes(Buffer.from(secrets.api_key))).toBe(false);
    expect(stored.includes(Buffer.from(secrets.headers['X-Key']))).toBe(false);
    expect(stored.toString('base64')).not.toContain(Buffer.from(secrets.api_key).toString('base64'));
  });

  it('uses a new data key and IV for every record', () => {
    const a = sut.seal(secrets, binding);
    const b = sut.seal(secrets, binding);

    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.wrappedKey.equals(b.wrappedKey)).toBe(false);
  });

  it.each([
    ['the ciphertext body', (s: SealedSecrets) => ({ ...s, ciphertext: flip(s.ciphertext, s.ciphertext.length - 1) })],
    ['the ciphertext tag', (s: SealedSecrets) => ({ ...s, ciphertext: flip(s.ciphertext, 14) })],
    ['the ciphertext IV', (s: SealedSecrets) => ({ ...s, ciphertext: flip(s.ciphertext, 0) })],
    ['the wrapped data key', (s: SealedSecrets) => ({ ...s, wrappedKey: flip(s.wrappedKey, s.wrappedKey.length - 1) })],
    ['a truncated ciphertext', (s: SealedSecrets) => ({ ...s, ciphertext: s.ciphertext.subarray(0, 20) })],
  ])('detects tampering with %s', (_, tamper) => {
    const sealed = sut.seal(secrets, binding);

    expect(() => sut.open(tamper(sealed), binding)).toThrow(DecryptionError);
  });

  it('refuses secrets moved to another record or workspace', () => {
    const sealed = sut.seal(secrets, binding);

    expect(() => sut.open(sealed, { ...binding, recordId: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4H' })).toThrow(DecryptionError);
    expect(() => sut.open(sealed, { ...binding, workspaceId: 'wks_other' })).toThrow(DecryptionError);
  });

  it('refuses a record relabelled with another key id', () => {
    const both = new EnvelopeCipher(new MasterKeyring(k1, [{ id: 'k0', key: k1.key }]));
    const sealed = both.seal(secrets, binding);

    expect(() => both.open({ ...sealed, masterKeyId: 'k0' }, binding)).toThrow(DecryptionError);
  });

  it('fails with the wrong master key under the same id', () => {
    const sealed = sut.seal(secrets, binding);
    const impostor = new EnvelopeCipher(new MasterKeyring(key('k1')));

    expect(() => impostor.open(sealed, binding)).toThrow(/tampered with, or the key is not the one/);
  });

  it('names a missing master key and how to supply it, without any key material', () => {
    const sealed = sut.seal(secrets, binding);
    const other = new EnvelopeCipher(new MasterKeyring(key('k2')));

    expect(() => other.open(sealed, binding)).toThrow('Master key "k1" is not configured: add it to AGENTRY_MASTER_KEYRING as k1:<base64>');
  });

  it('refuses an unknown envelope version', () => {
    const sealed = sut.seal(secrets, binding);

    expect(() => sut.open({ ...sealed, version: 2 }, binding)).toThrow('Unknown envelope version 2');
  });

  describe('rewrap', () => {
    const k2 = key('k2');
    const rotated = new EnvelopeCipher(new MasterKeyring(k2, [k1]));

    it('re-wraps the data key under the new primary, leaving the secrets ciphertext as it was', () => {
      const sealed = sut.seal(secrets, binding);

      const next = rotated.rewrap(sealed, binding.recordId)!;
      const moved = { ...sealed, ...next, wrappedKey: next.wrappedKey };

      expect(next.masterKeyId).toBe('k2');
      expect(rotated.open(moved, binding)).toEqual(secrets);
      expect(new EnvelopeCipher(new MasterKeyring(k2)).open(moved, binding)).toEqual(secrets);
    });

    it('does nothing for a record already under the primary key', () => {
      const sealed = rotated.seal(secrets, binding);

      expect(rotated.rewrap(sealed, binding.recordId)).toBeNull();
    });

    it('cannot re-wrap for another record id', () => {
      const sealed = sut.seal(secrets, binding);

      expect(() => rotated.rewrap(sealed, 'con_other')).toThrow(DecryptionError);
    });
  });
});
