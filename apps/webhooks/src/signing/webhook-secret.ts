import { randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** `whsec_` + base64 of 32 random bytes (Standard Webhooks allows 24–64). */
export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The HMAC key of the Standard Webhooks scheme: the base64-decoded part after `whsec_`. */
export function standardKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

export interface SigningSecrets {
  current: string;
  /** The secret before the last rotation, while it still signs. */
  previous: string | null;
  previousExpiresAt: Date | null;
}

/** The secrets that sign now: the current one first, then the previous one until it expires. */
export function activeSecrets(s: SigningSecrets, now = new Date()): string[] {
  const keepPrevious = s.previous && s.previousExpiresAt && s.previousExpiresAt.getTime() > now.getTime();
  return keepPrevious ? [s.current, s.previous!] : [s.current];
}
