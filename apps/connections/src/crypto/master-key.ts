import { createHash } from 'node:crypto';

export const MASTER_KEY_BYTES = 32;
const KEY_TEXT = /^[A-Za-z0-9+/_-]{43}=?$/;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A master key: wraps and unwraps data keys. `id` is stored beside each wrapped data key. */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/** The well-known key used when development or test runs without AGENTRY_MASTER_KEY. Never accepted in production. */
export const DEV_MASTER_KEY_ID = 'dev-insecure';
export const DEV_MASTER_KEY: Buffer = createHash('sha256')
  .update('agentry insecure development master key: never use it in production')
  .digest();

/** Base64 (or base64url) of exactly 32 bytes, else null. */
export function decodeMasterKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (!KEY_TEXT.test(trimmed)) return null;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === MASTER_KEY_BYTES ? key : null;
}

/** The default key id: a fingerprint that says which key, and nothing about the key. */
export function masterKeyFingerprint(key: Buffer): string {
  return `mk_${createHash('sha256').update('agentry master key id\0').update(key).digest('hex').slice(0, 16)}`;
}

/** `id:base64` or bare `base64` (id: the fingerprint). Throws a message that never contains key material. */
export function parseKeyringEntry(entry: string, position: number): MasterKey {
  const colon = entry.indexOf(':');
  const id = colon >= 0 ? entry.slice(0, colon).trim() : undefined;
  const key = decodeMasterKey(colon >= 0 ? entry.slice(colon + 1) : entry);
  if (id !== undefined && !KEY_ID.test(id))
    throw new Error(`entry ${position}: the key id must be 1–64 letters, digits, dots, dashes or underscores`);
  if (!key) throw new Error(`entry ${position}: the key must be base64 of 32 bytes`);
  return { id: id ?? masterKeyFingerprint(key), key };
}

export function parseKeyring(text: string | undefined): MasterKey[] {
  if (!text?.trim()) return [];
  return text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry, i) => parseKeyringEntry(entry, i + 1));
}
