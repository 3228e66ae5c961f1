import { ErrorCode } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiter } from './rate-limiter';

/**
 * Counts one request against the workspace's requests per minute and sets X-RateLimit-*; past the limit,
 * Retry-After and a 429. The plan's budget is the workspace's (SPEC §2): more keys must not mean more requests.
 */
export async function enforceRateLimit(limiter: RateLimiter, reply: FastifyReply, workspaceId: string, limit: number): Promise<void> {
  const d = await limiter.take(workspaceId, limit);
  reply.header('X-RateLimit-Limit', String(d.limit));
  reply.header('X-RateLimit-Remaining', String(d.remaining));
  reply.header('X-RateLimit-Reset', String(d.reset));
  if (!d.allowed) {
    reply.header('Retry-After', String(Math.max(1, d.reset - Math.floor(Date.now() / 1000))));
    throw new AppError(ErrorCode.RATE_LIMITED, `Rate limit of ${d.limit} requests per minute exceeded`);
  }
}

/** Runs after AuthGuard: counts per workspace; every authenticated response carries X-RateLimit-*; a 429 adds Retry-After. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    if (!req.auth) return true;
    await enforceRateLimit(this.limiter, http.getResponse<FastifyReply>(), req.auth.workspaceId, req.auth.requestsPerMinute);
    return true;
  }
}
