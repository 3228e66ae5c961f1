import { ErrorCode, REQUEST_ID_HEADER, RpcRequest } from '@agentry/contracts';
import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { NatsContext, RpcException } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { Histogram } from 'prom-client';
import { catchError, Observable, tap, throwError } from 'rxjs';
import { AppError } from '../errors';
import { RequestContext } from '../logging/request-context';
import { LOGGER } from '../tokens';

const rpcDuration = new Histogram({
  name: 'agentry_rpc_handler_seconds',
  help: 'NATS request handler duration',
  labelNames: ['subject', 'outcome'],
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
});

/**
 * Runs every NATS handler inside the caller's request context (request id, workspace) and turns
 * thrown errors into the `{ code, message, details }` payload the gateway maps to HTTP.
 */
@Injectable()
export class RpcInterceptor implements NestInterceptor {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const rpc = context.switchToRpc();
    const msg = rpc.getData<RpcRequest>();
    const natsCtx = rpc.getContext<NatsContext>();
    const subject = natsCtx.getSubject?.() ?? 'unknown';
    const headerId = natsCtx.getHeaders?.()?.get(REQUEST_ID_HEADER);
    const ctx = { request_id: headerId || msg?.ctx?.request_id || 'req_unknown', workspace_id: msg?.ctx?.workspace_id };
    const end = rpcDuration.startTimer({ subject });
    return new Observable((subscriber) =>
      RequestContext.run(ctx, () =>
        next
          .handle()
          .pipe(
            tap({ complete: () => end({ outcome: 'ok' }) }),
            catchError((err: unknown) => {
              if (err instanceof AppError) {
                end({ outcome: err.code });
                return throwError(() => new RpcException(err.toPayload()));
              }
              end({ outcome: 'INTERNAL' });
              this.logger.error({ err, subject }, 'rpc handler failed');
              return throwError(() => new RpcException({ code: ErrorCode.INTERNAL, message: 'Internal error' }));
            }),
          )
          .subscribe(subscriber),
      ),
    );
  }
}
