import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ReceivedRequest } from './fake-receiver';

/** Verification with the `standardwebhooks` package (throws on a bad signature). */
export function verifyStandard(secret: string, req: ReceivedRequest): unknown {
  return new Webhook(secret).verify(req.raw.toString('utf8'), req.headers);
}

/** The Node snippet of the seed API docs, verbatim apart from its arguments. */
export function verifySignature(payload: Buffer | string, signature: string, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(payload).digest('hex');
  return timingSafeEqual(Buffer.from(signature), Buffer.from('sha256=' + expected));
}

/** The seed docs' second snippet: `sig !== header.replace('sha256=', '')` rejects. */
export function seedSnippetAccepts(rawBody: Buffer, header: string, secret: string): boolean {
  const sig = createHmac('sha256', secret).update(rawBody).digest('hex');
  return sig === header.replace('sha256=', '');
}
