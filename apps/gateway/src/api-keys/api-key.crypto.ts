import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `agk_` + 40 base62 characters (~238 bits). */
export function generateApiKey(): string {
  const bytes = randomBytes(40);
  let out = 'agk_';
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function keyPrefix(key: string): string {
  return key.slice(0, 8);
}
