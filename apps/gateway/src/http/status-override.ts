import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    statusOverride?: number;
  }
}

/**
 * Nest's Fastify adapter sends every result with the route's fixed status code. A handler whose
 * status depends on the outcome (sync run 200 vs 202, an idempotent replay) records it here and
 * the gateway's onSend hook applies it.
 */
export function overrideStatus(req: FastifyRequest, status: number): void {
  req.statusOverride = status;
}

export function applyStatusOverride(req: FastifyRequest, reply: FastifyReply): void {
  if (req.statusOverride && reply.statusCode < 400) reply.code(req.statusOverride);
}
