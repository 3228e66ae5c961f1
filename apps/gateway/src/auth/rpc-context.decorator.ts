import type { RpcContext } from '@agentry/contracts';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The `{ workspace_id, request_id, actor, scopes, plan }` sent with every call to a service. */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RpcContext => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  if (!req.auth) throw new Error('Ctx used on a public route');
  return {
    workspace_id: req.auth.workspaceId,
    request_id: req.id,
    actor: req.auth.keyId,
    scopes: req.auth.scopes,
    ...(req.auth.plan ? { plan: req.auth.plan } : {}),
  };
});
