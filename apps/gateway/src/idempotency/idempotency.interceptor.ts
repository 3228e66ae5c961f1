import { ErrorCode } from '@agentry/contracts';
import { AppError, SERVICE_CONFIG } from '@agentry/common';
import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  OnModuleDestroy,
  OnModuleInit,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { catchError, defer, finalize, from, map, Observable, of, switchMap, throwError } from 'rxjs';
import { GatewayConfig } from '../config/gateway.config';
import { assertStorableJson } from '../http/body-validation.pipe';
import { overrideStatus } from '../http/status-override';
import { IdempotencyRepository } from './idempotency.repository';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const RETENTION_HOURS = 24;
const SHOWN_ONCE_KEY = 'agentry:idempotency-shown-once';
/** Beyond RPC_TIMEOUT_MS: time for the database writes around the call, and for a late lease extension. */
const LEASE_MARGIN_MS = 20_000;

/**
 * Response fields (dotted paths) shown only in the first response, such as a new API key: they are not
 * stored with the idempotency record, so a replay answers without them and no plaintext secret is kept.
 */
export const ShownOnce = (...paths: string[]) => SetMetadata(SHOWN_ONCE_KEY, paths);

/** `body` without the fields at `paths` (a copy; the response itself keeps them). */
export function withoutFields(body: unknown, paths: string[]): unknown {
  if (!paths.length || typeof body !== 'object' || body === null) return body;
  const copy = structuredClone(body) as Record<string, unknown>;
  for (const path of paths) {
    const parts = path.split('.');
    let node: unknown = copy;
    for (const part of parts.slice(0, -1))
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    if (typeof node === 'object' && node !== null) delete (node as Record<string, unknown>)[parts[parts.length - 1]];
  }
  return copy;
}

/** Stable JSON: key order must not change the hash of the same body. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What a replay must match: method, path and canonical body. */
export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url.split('?')[0]} ${canonical(body)}`)
    .digest('hex');
}

/**
 * `Idempotency-Key` on POSTs: the first request's successful response is stored for 24 h and replayed
 * for the same key and body (`Idempotent-Replayed: true`); the same key with another body, or while the
 * first is still running, is a 409. A failed first attempt releases the key so the client can retry.
 * The running request holds a lease (RPC_TIMEOUT_MS + 20 s, extended every third of it, so a sync run of
 * minutes keeps it); a record whose gateway stopped mid-request is free for a retry once its lease ends.
 * Fields marked @ShownOnce are left out of the stored response (and so out of replays).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor, OnModuleInit, OnModuleDestroy {
  private purgeTimer?: NodeJS.Timeout;
  private readonly leaseMs: number;

  constructor(
    private readonly repo: IdempotencyRepository,
    private readonly reflector: Reflector,
    @Inject(SERVICE_CONFIG) config: Pick<GatewayConfig, 'RPC_TIMEOUT_MS'>,
  ) {
    this.leaseMs = config.RPC_TIMEOUT_MS + LEASE_MARGIN_MS;
  }

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => void this.repo.purgeOlderThan(RETENTION_HOURS).catch(() => undefined), 3600_000);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const key = req.headers[IDEMPOTENCY_HEADER];
    if (req.method !== 'POST' || key === undefined || !req.auth) return next.handle();
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw AppError.invalid('Idempotency-Key must be 1–255 characters', [{ field: 'Idempotency-Key', reason: 'length 1–255' }]);
    }
    // canonical() recurses: a pathologically deep body is a 400 here, not a stack overflow (and NUL cannot be stored)
    assertStorableJson(req.body);
    const reply = http.getResponse<FastifyReply>();
    const workspaceId = req.auth.workspaceId;
    const hash = requestHash(req.method, req.url, req.body);
    return from(this.repo.claim(workspaceId, key, hash, this.leaseMs)).pipe(
      switchMap((existing) => {
        if (existing) {
          if (existing.request_hash !== hash) {
            throw AppError.conflict('Idempotency-Key was already used with a different request', [
              { field: 'Idempotency-Key', reason: 'reused with another body' },
            ]);
          }
          if (existing.state !== 'done') throw new AppError(ErrorCode.CONFLICT, 'A request with this Idempotency-Key is still in progress');
          reply.header('Idempotent-Replayed', 'true');
          overrideStatus(req, existing.status_code ?? 200);
          return of(existing.response_body);
        }
        return this.leased(workspaceId, key, next).pipe(
          // stored before the response leaves, so a retry right after it sees 'done'
          switchMap((body) => {
            const stored = withoutFields(body, this.reflector.get<string[]>(SHOWN_ONCE_KEY, context.getHandler()) ?? []);
            return from(this.repo.complete(workspaceId, key, req.statusOverride ?? reply.statusCode, stored)).pipe(map(() => body));
          }),
          catchError((err) => from(this.repo.release(workspaceId, key)).pipe(switchMap(() => throwError(() => err)))),
        );
      }),
    );
  }

  /** The handler's answer, extending this request's lease on the key while it runs. */
  private leased(workspaceId: string, key: string, next: CallHandler): Observable<unknown> {
    return defer(() => {
      const timer = setInterval(() => void this.repo.extend(workspaceId, key, this.leaseMs).catch(() => undefined), this.leaseMs / 3);
      timer.unref();
      return next.handle().pipe(finalize(() => clearInterval(timer)));
    });
  }
}
