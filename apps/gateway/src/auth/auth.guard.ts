import { ErrorCode } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { INSTANCE_ADMIN_KEY, PUBLIC_KEY, SCOPES_KEY } from './auth.decorators';
import { Authenticator } from './authenticator';

/** Every route needs a key unless marked @Public(); @RequireScopes and @InstanceAdmin narrow it. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const auth = await this.authenticator.authenticate(req.headers.authorization);
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
}
