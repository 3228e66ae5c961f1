import {
  ErrorCode,
  HOOK_GITHUB_SIGNATURE_HEADER,
  HOOK_KEY_HEADER,
  HOOK_SIGNATURE_HEADER,
  HOOK_SIGNATURE_TOLERANCE_SECONDS,
  ResolvedHook,
} from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const unauthorized = (why: string) => new AppError(ErrorCode.UNAUTHORIZED, why);

/**
 * A call to an inbound hook proves itself with the hook key (`X-API-Key`), or with an HMAC-SHA256 of the
 * raw body under the hook's signing secret: `X-Agentry-Signature: t=<unix seconds>,v1=<hex of HMAC("<t>.<body>")>`
 * (t within 5 minutes, against replays), or GitHub's `X-Hub-Signature-256: sha256=<hex of HMAC(body)>`.
 */
export function authenticateHookCall(hook: ResolvedHook, headers: IncomingHttpHeaders, body: Buffer, now = Date.now()): void {
  const key = headers[HOOK_KEY_HEADER];
  if (typeof key === 'string' && key.length > 0) {
    const hash = createHash('sha256').update(key).digest('hex');
    if (sameText(hash, hook.key_sha256)) return;
    throw unauthorized('Invalid hook key');
  }
  const signature = headers[HOOK_SIGNATURE_HEADER];
  if (typeof signature === 'string') {
    const parts = Object.fromEntries(signature.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
    const t = Number(parts.t);
    if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > HOOK_SIGNATURE_TOLERANCE_SECONDS) {
      throw unauthorized(`X-Agentry-Signature: t must be the current unix time (within ${HOOK_SIGNATURE_TOLERANCE_SECONDS} s)`);
    }
    const expected = createHmac('sha256', hook.signing_secret).update(`${t}.`).update(body).digest('hex');
    if (typeof parts.v1 === 'string' && sameText(parts.v1, expected)) return;
    throw unauthorized('Invalid hook signature');
  }
  const github = headers[HOOK_GITHUB_SIGNATURE_HEADER];
  if (typeof github === 'string') {
    const expected = `sha256=${createHmac('sha256', hook.signing_secret).update(body).digest('hex')}`;
    if (sameText(github, expected)) return;
    throw unauthorized('Invalid hook signature');
  }
  throw unauthorized('Send the hook key in X-API-Key, or sign the body (X-Agentry-Signature or X-Hub-Signature-256)');
}
