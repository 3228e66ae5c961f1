import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
/** Full-length tags only: GCM would otherwise accept a tag truncated to 4 bytes. */
const TAG_BYTES = 16;

/**
 * AES-256-GCM for short secrets at rest, stored as one string `v1.<iv>.<tag>.<ciphertext>` (base64url parts).
 * The optional AAD (additional authenticated data) binds a ciphertext to its record: one copied to another row
 * does not open there. Used by the agents (inbound hook credentials) and webhooks (signing secrets) services.
 */
export class SealedSecrets {
  private constructor(private readonly key: Buffer) {}

  /**
   * The AES key is SHA-256 of `<domain>:` and the master key material, so one master key used for two
   * purposes still gives two keys.
   */
  static derive(domain: string, material: Buffer): SealedSecrets {
    return new SealedSecrets(createHash('sha256').update(`${domain}:`).update(material).digest());
  }

  /** Whether a stored value is in this format (and not a plaintext left from before encryption). */
  static isSealed(value: string): boolean {
    return value.startsWith(`${VERSION}.`);
  }

  /** A new random IV every time, so sealing one secret twice gives two different strings. */
  seal(plain: string, aad?: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    if (aad) cipher.setAAD(Buffer.from(aad, 'utf8'));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, ...[iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'))].join('.');
  }

  /** Throws when the value was tampered with, sealed under another key, or sealed with another AAD. */
  open(sealed: string, aad?: string): string {
    const parts = sealed.split('.');
    if (parts[0] !== VERSION) throw new Error(`unknown sealed secret format ${parts[0]}`);
    if (parts.length !== 4) throw new Error('malformed sealed secret');
    const [iv, tag, data] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    if (aad) decipher.setAAD(Buffer.from(aad, 'utf8'));
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }
}
