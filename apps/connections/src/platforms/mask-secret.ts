/** Shown for secrets too short to reveal any part of, and for passwords. */
export const HIDDEN_MASK = '••••••••';

// Well-known, non-secret token prefixes: sk-, sk-ant-, sk-proj-, xoxb-, ghp_, github_pat_.
const PREFIX = /^([A-Za-z]{2,8}[-_](?:[A-Za-z]{2,8}[-_])?)/;

/**
 * `sk-…a1b2`: the token's public prefix and its last four characters, enough to tell keys apart.
 * Never more than half of the value is shown, and nothing of a value shorter than 12 characters.
 */
export function maskSecret(value: string): string {
  if (value.length < 12) return HIDDEN_MASK;
  const last4 = value.slice(-4);
  const prefix = PREFIX.exec(value)?.[1] ?? '';
  return prefix && prefix.length + 4 <= value.length / 2 ? `${prefix}…${last4}` : `…${last4}`;
}
