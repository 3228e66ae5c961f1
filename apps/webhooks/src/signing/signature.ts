import { createHmac } from 'node:crypto';
import { USER_AGENT } from './user-agent';
import { standardKey } from './webhook-secret';

/** `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` (Standard Webhooks). */
export function standardSignature(secret: string, msgId: string, timestamp: number, body: Buffer): string {
  const mac = createHmac('sha256', standardKey(secret));
  mac.update(`${msgId}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

/**
 * `sha256=<hex HMAC-SHA256(secret, body)>`: the simpler scheme of the hosted products in our seed docs.
 * The key is the secret string exactly as the API shows it (`whsec_…`), so their verification snippet
 * works with it unchanged.
 */
export function agentrySignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'x-agentry-signature': string;
  'x-agentry-signature-previous'?: string;
}

/**
 * Headers of one attempt, signed over exactly the bytes sent. With two active secrets (a rotation)
 * `webhook-signature` carries both signatures, space-separated as the spec allows, and the simple
 * scheme's previous-secret signature goes in `X-Agentry-Signature-Previous`.
 */
export function signHeaders(secrets: string[], msgId: string, timestamp: number, body: Buffer): SignedHeaders {
  const headers: SignedHeaders = {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => standardSignature(s, msgId, timestamp, body)).join(' '),
    'x-agentry-signature': agentrySignature(secrets[0], body),
  };
  if (secrets[1]) headers['x-agentry-signature-previous'] = agentrySignature(secrets[1], body);
  return headers;
}

/** Everything an attempt sends besides the body: content type, user agent, event, and fresh signatures. */
export function attemptHeaders(
  d: { id: string; messageId: string; eventType: string; attemptCount: number },
  secrets: string[],
  body: Buffer,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'x-agentry-event': d.eventType,
    'x-agentry-delivery': d.id,
    'x-agentry-attempt': String(d.attemptCount + 1),
    ...signHeaders(secrets, d.messageId, Math.floor(Date.now() / 1000), body),
  };
}
