import { ErrorCode } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthInfo, INSTANCE_ADMIN_KEY, PUBLIC_KEY, SCOPES_KEY } from './auth.decorators';
import { AuthFailureBudget } from './auth-failure-budget';
import { Authenticator } from './authenticator';

/**
 * Every route needs a key unless marked @Public(); @RequireScopes and @InstanceAdmin narrow it. A client
 * address past its failed-auth budget gets 429 before any database read, unless its key is one this
 * process has seen valid (so a shared address keeps working for clients with a key).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly failures: AuthFailureBudget,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const auth = await this.authenticate(req, http.getResponse<FastifyReply>());
    req.auth = auth;
    if (this.reflector.getAllAndOverride<boolean>(INSTANCE_ADMIN_KEY, targets) && !auth.instanceAdmin) {
      throw new AppError(ErrorCode.FORBIDDEN, 'Only the instance admin key may do this');
    }
    const required = this.reflector.getAllAndOverride<string[]>(SCOPES_KEY, targets) ?? [];
    if (!auth.scopes.includes('admin')) {
      const missing = required.filter((s) => !auth.scopes.includes(s));
      if (missing.length) {
        throw new AppError(ErrorCode.FORBIDDEN, `This API key lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, [
          ...missing.map((s) => ({ field: 'scope', reason: `requires ${s}` })),
        ]);
      }
    }
    return true;
  }

  private async authenticate(req: FastifyRequest, reply: FastifyReply): Promise<AuthInfo> {
    const header = req.headers.authorization;
    const refused = this.failures.refusal(req.ip);
    if (refused && !this.authenticator.knows(header)) {
      reply.header('Retry-After', String(refused.retryAfter));
      throw refused.error;
    }
    try {
      return await this.authenticator.authenticate(header);
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.UNAUTHORIZED) this.failures.fail(req.ip);
      throw err;
    }
  }
}
