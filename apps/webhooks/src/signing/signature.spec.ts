import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { agentrySignature, signHeaders, standardSignature } from './signature';
import { activeSecrets, generateSecret } from './webhook-secret';

/** The seed API docs' verification snippet. */
function verifySignature(payload: Buffer, signature: string, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(payload).digest('hex');
  return timingSafeEqual(Buffer.from(signature), Buffer.from('sha256=' + expected));
}

describe('webhook signatures', () => {
  const body = Buffer.from(JSON.stringify({ event: 'agent.execution.success', id: 'msg_1', note: 'naïve ☃' }), 'utf8');
  const ts = Math.floor(Date.now() / 1000);

  it('makes secrets of 32 random bytes in the Standard Webhooks format', () => {
    const s = generateSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(s);
  });

  it('signs so that the standardwebhooks package verifies, over the exact bytes', () => {
    const secret = generateSecret();
    const headers = signHeaders([secret], 'msg_1', ts, body);
    expect(new Webhook(secret).verify(body.toString('utf8'), { ...headers })).toMatchObject({ note: 'naïve ☃' });
    expect(() => new Webhook(secret).verify(`${body.toString('utf8')} `, { ...headers })).toThrow();
    expect(() => new Webhook(generateSecret()).verify(body.toString('utf8'), { ...headers })).toThrow();
  });

  it('signs X-Agentry-Signature so that the seed docs snippet verifies with the secret as shown', () => {
    const secret = generateSecret();
    const sut = agentrySignature(secret, body);
    expect(sut).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(body, sut, secret)).toBe(true);
  });

  it('carries both signatures during a rotation, each verifiable with its own secret', () => {
    const [next, prev] = [generateSecret(), generateSecret()];
    const headers = signHeaders([next, prev], 'msg_1', ts, body);
    expect(headers['webhook-signature']).toBe(
      `${standardSignature(next, 'msg_1', ts, body)} ${standardSignature(prev, 'msg_1', ts, body)}`,
    );
    for (const s of [next, prev]) expect(() => new Webhook(s).verify(body.toString('utf8'), { ...headers })).not.toThrow();
    expect(verifySignature(body, headers['x-agentry-signature'], next)).toBe(true);
    expect(verifySignature(body, headers['x-agentry-signature-previous']!, prev)).toBe(true);
  });

  it('keeps the previous secret only until it expires', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const s = { current: 'a', previous: 'b', previousExpiresAt: new Date('2026-11-24T10:00:00Z') };
    expect(activeSecrets(s, now)).toEqual(['a', 'b']);
    expect(activeSecrets(s, new Date('2026-11-24T10:00:01Z'))).toEqual(['a']);
    expect(activeSecrets({ current: 'a', previous: null, previousExpiresAt: null }, now)).toEqual(['a']);
  });
});
