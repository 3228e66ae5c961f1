import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** `v2.<key id>.<iv>.<tag>.<ciphertext>` while a rotation is under way; `v1.<iv>.<tag>.<ciphertext>` otherwise. */
const VERSION = 'v2';
const LEGACY = 'v1';
/** Full-length tags only: GCM would otherwise accept a tag truncated to 4 bytes. */
const TAG_BYTES = 16;

/** A keyring variable: older keys, each base64 of 32 bytes, comma-separated. Empty: none. */
export const KEYRING_PATTERN = /^$|^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/;

/** The older keys of a keyring variable (see KEYRING_PATTERN). */
export function keyringOf(value: string | undefined): Buffer[] {
  return (value ?? '')
    .split(',')
    .filter(Boolean)
    .map((k) => Buffer.from(k, 'base64'));
}

interface SealingKey {
  /** 8 base64url characters of a hash of the key: names it in a sealed value without revealing it. */
  id: string;
  key: Buffer;
}

function sealingKey(domain: string, material: Buffer): SealingKey {
  const key = createHash('sha256').update(`${domain}:`).update(material).digest();
  const id = createHash('sha256').update('agentry-key-id:').update(key).digest().subarray(0, 6).toString('base64url');
  return { id, key };
}

/**
 * AES-256-GCM for short secrets at rest, stored as one string of base64url parts. The optional AAD (additional
 * authenticated data) binds a ciphertext to its record: one copied to another row does not open there. Used by the
 * agents (inbound hook credentials) and webhooks (signing secrets) services.
 *
 * A keyring: values are sealed under the current key and open under it or any older key given, so a key can be
 * replaced without a moment when stored values do not open. While older keys are given (a rotation), values are
 * sealed as `v2.<key id>.<iv>.<tag>.<ciphertext>`: the key id says which key opens it and lets a sweep find, in
 * SQL, the values still under another key (`currentPrefixes`). Otherwise they are sealed as
 * `v1.<iv>.<tag>.<ciphertext>`, which the versions before keyrings read too, so a rolling update to this version
 * leaves no replica unable to read what another wrote. A `v1` value is tried under each key, the current one first.
 */
export class SealedSecrets {
  private readonly byId: Map<string, SealingKey>;

  private constructor(
    private readonly current: SealingKey,
    private readonly older: SealingKey[],
  ) {
    this.byId = new Map([current, ...older].map((k) => [k.id, k]));
  }

  /**
   * The AES key is SHA-256 of `<domain>:` and the master key material, so one master key used for two
   * purposes still gives two keys. `older` are earlier master keys, still read.
   */
  static derive(domain: string, material: Buffer, older: Buffer[] = []): SealedSecrets {
    return new SealedSecrets(
      sealingKey(domain, material),
      older.map((m) => sealingKey(domain, m)),
    );
  }

  /** Whether a stored value is in this format (and not a plaintext left from before encryption). */
  static isSealed(value: string): boolean {
    return value.startsWith(`${VERSION}.`) || value.startsWith(`${LEGACY}.`);
  }

  /**
   * How a value that needs no re-sealing starts: what `seal` writes now. During a rotation `v2.<current key id>.`;
   * otherwise `v1.`, so once a rotation is over the sweep turns its `v2` values back into `v1`, which a rollback to
   * the version before keyrings still reads.
   */
  get currentPrefixes(): string[] {
    return this.hasOlderKeys ? [`${VERSION}.${this.current.id}.`] : [`${LEGACY}.`];
  }

  /** The current key's id, as `v2` values name it. */
  get keyId(): string {
    return this.current.id;
  }

  /** Whether older keys are in the ring (a rotation is under way). */
  get hasOlderKeys(): boolean {
    return this.older.length > 0;
  }

  /** Whether a stored value needs no re-sealing (see currentPrefixes). */
  isCurrent(value: string): boolean {
    return this.currentPrefixes.some((p) => value.startsWith(p));
  }

  /** A stored value as it should be stored now: as it is when current, else opened and sealed again (throws when it does not open). */
  resealed(sealed: string, aad?: string): string {
    return this.isCurrent(sealed) ? sealed : this.seal(this.open(sealed, aad), aad);
  }

  /** A new random IV every time, so sealing one secret twice gives two different strings. */
  seal(plain: string, aad?: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    if (aad) cipher.setAAD(Buffer.from(aad, 'utf8'));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
    return (this.hasOlderKeys ? [VERSION, this.current.id, ...parts] : [LEGACY, ...parts]).join('.');
  }

  /** Throws when the value was tampered with, sealed under a key not in the ring, or sealed with another AAD. */
  open(sealed: string, aad?: string): string {
    const parts = sealed.split('.');
    if (parts[0] === VERSION) {
      if (parts.length !== 5) throw new Error('malformed sealed secret');
      const key = this.byId.get(parts[1]);
      if (!key) throw new Error(`sealed secret under key ${parts[1]}, which is not in the keyring`);
      return decrypt(key.key, parts.slice(2), aad);
    }
    if (parts[0] !== LEGACY) throw new Error(`unknown sealed secret format ${parts[0]}`);
    if (parts.length !== 4) throw new Error('malformed sealed secret');
    let failure: unknown;
    for (const { key } of [this.current, ...this.older]) {
      try {
        return decrypt(key, parts.slice(1), aad);
      } catch (err) {
        failure ??= err;
      }
    }
    throw failure;
  }
}

function decrypt(key: Buffer, parts: string[], aad: string | undefined): string {
  const [iv, tag, data] = parts.map((p) => Buffer.from(p, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  if (aad) decipher.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
}
