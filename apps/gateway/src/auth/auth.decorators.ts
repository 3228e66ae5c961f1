import type { Scope } from '@agentry/contracts';
import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

export const SCOPES_KEY = 'agentry:scopes';
export const INSTANCE_ADMIN_KEY = 'agentry:instance-admin';

export { Public, PUBLIC_ROUTE as PUBLIC_KEY } from '@agentry/common';
/** The key must hold every listed scope (`admin` holds them all). */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);
/** Only the instance admin key (AGENTRY_BOOTSTRAP_API_KEY). */
export const InstanceAdmin = () => SetMetadata(INSTANCE_ADMIN_KEY, true);

export interface AuthInfo {
  keyId: string;
  workspaceId: string;
  scopes: string[];
  instanceAdmin: boolean;
  requestsPerMinute: number;
  /** The workspace's plan, passed to services for plan limits (runs per day, concurrent runs). */
  plan?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthInfo;
  }
}

export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthInfo => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  if (!req.auth) throw new Error('Auth used on a public route');
  return req.auth;
});
