import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MasterKey } from './master-key';
import { MasterKeyring } from './master-keyring';

export const ENVELOPE_VERSION = 1;
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What is stored for one record: the secrets under its data key, and the data key under a master key. */
export interface SealedSecrets {
  /** iv ‖ tag ‖ AES-256-GCM(data key, secrets JSON) */
  ciphertext: Buffer;
  /** iv ‖ tag ‖ AES-256-GCM(master key, data key) */
  wrappedKey: Buffer;
  masterKeyId: string;
  version: number;
}

/** Binds a ciphertext to its row: secrets copied onto another record or workspace do not decrypt. */
export interface RecordBinding {
  recordId: string;
  workspaceId: string;
}

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionError('The ciphertext is truncated');
  const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError('Authentication failed: the data was tampered with, or the key is not the one it was sealed with');
  }
}

const secretsAad = (b: RecordBinding) => `agentry/connections/secrets/v${ENVELOPE_VERSION}\0${b.workspaceId}\0${b.recordId}`;
const dataKeyAad = (recordId: string, masterKeyId: string) =>
  `agentry/connections/data-key/v${ENVELOPE_VERSION}\0${recordId}\0${masterKeyId}`;

/**
 * Envelope encryption: each record gets a fresh random 256-bit data key that encrypts its secrets
 * (AES-256-GCM); the data key is stored wrapped by the primary master key. Rotating the master key
 * re-wraps data keys only; the secrets' ciphertext never changes.
 */
export class EnvelopeCipher {
  constructor(private readonly keyring: MasterKeyring) {}

  get primaryKeyId(): string {
    return this.keyring.primary.id;
  }

  seal(secrets: Record<string, unknown>, binding: RecordBinding): SealedSecrets {
    const dataKey = randomBytes(32);
    try {
      const master = this.keyring.primary;
      return {
        ciphertext: seal(dataKey, Buffer.from(JSON.stringify(secrets), 'utf8'), secretsAad(binding)),
        wrappedKey: seal(master.key, dataKey, dataKeyAad(binding.recordId, master.id)),
        masterKeyId: master.id,
        version: ENVELOPE_VERSION,
      };
    } finally {
      dataKey.fill(0);
    }
  }

  open(sealed: SealedSecrets, binding: RecordBinding): Record<string, unknown> {
    if (sealed.version !== ENVELOPE_VERSION) throw new DecryptionError(`Unknown envelope version ${sealed.version}`);
    const dataKey = this.unwrap(sealed, binding.recordId);
    try {
      const plain = open(dataKey, sealed.ciphertext, secretsAad(binding));
      return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
    } finally {
      dataKey.fill(0);
    }
  }

  /** The data key re-wrapped under the primary master key; null when it already is. */
  rewrap(sealed: Pick<SealedSecrets, 'wrappedKey' | 'masterKeyId'>, recordId: string): { wrappedKey: Buffer; masterKeyId: string } | null {
    const primary = this.keyring.primary;
    if (sealed.masterKeyId === primary.id) return null;
    const dataKey = this.unwrap(sealed, recordId);
    try {
      return { wrappedKey: seal(primary.key, dataKey, dataKeyAad(recordId, primary.id)), masterKeyId: primary.id };
    } finally {
      dataKey.fill(0);
    }
  }

  private unwrap(sealed: Pick<SealedSecrets, 'wrappedKey' | 'masterKeyId'>, recordId: string): Buffer {
    const master: MasterKey | undefined = this.keyring.get(sealed.masterKeyId);
    if (!master) {
      throw new DecryptionError(
        `Master key "${sealed.masterKeyId}" is not configured: add it to AGENTRY_MASTER_KEYRING as ${sealed.masterKeyId}:<base64> until a rotation has re-wrapped its records`,
      );
    }
    return open(master.key, sealed.wrappedKey, dataKeyAad(recordId, master.id));
  }
}
