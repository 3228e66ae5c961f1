import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Transform } from 'node:stream';

declare module 'fastify' {
  interface FastifyRequest {
    rawBodyChunks?: Buffer[];
  }
}

const HOOKS_PATH = '/v1/hooks/';

/**
 * Inbound hooks may be authenticated by an HMAC of the exact bytes sent, so their body is teed on its
 * way to Fastify's JSON parser (which still applies the body limit and the content-type rules).
 */
export function captureHookRawBody(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', async (req, _reply, payload) => {
    if (req.method !== 'POST' || !req.url.startsWith(HOOKS_PATH)) return payload;
    const chunks: Buffer[] = [];
    req.rawBodyChunks = chunks;
    const source = payload as typeof payload & { receivedEncodedLength?: number };
    const tee = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        (tee as Transform & { receivedEncodedLength?: number }).receivedEncodedLength = source.receivedEncodedLength;
        callback(null, chunk);
      },
    });
    source.on('error', (err) => tee.destroy(err));
    return source.pipe(tee);
  });
}

export function rawBody(req: FastifyRequest): Buffer {
  return Buffer.concat(req.rawBodyChunks ?? []);
}
