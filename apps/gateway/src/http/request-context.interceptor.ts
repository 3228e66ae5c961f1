import { RequestContext } from '@agentry/common';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';

/** Handlers run inside the request's context, so every log line carries its request id. */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const ctx = { request_id: req.id, workspace_id: req.auth?.workspaceId };
    return new Observable((subscriber) => RequestContext.run(ctx, () => next.handle().subscribe(subscriber)));
  }
}
