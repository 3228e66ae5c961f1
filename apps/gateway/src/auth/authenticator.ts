import { ErrorCode } from '@agentry/contracts';
import { AppError, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { hashApiKey } from '../api-keys/api-key.crypto';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { GatewayConfig } from '../config/gateway.config';
import { limitsOf } from '../workspaces/workspace-limits';
import { AuthInfo } from './auth.decorators';

interface CacheEntry {
  info: AuthInfo;
  expiresAt: number;
  keyExpiresAt: number | null;
}

const BEARER = /^Bearer\s+(\S{1,512})$/i;
const MAX_CACHE = 10_000;
/** Unknown keys are remembered apart, in fewer slots: a flood of random keys cannot push valid keys out. */
const MAX_MISSES = 1_000;

function remember<V>(cache: Map<string, V>, max: number, hash: string, value: V): void {
  cache.delete(hash);
  if (cache.size >= max) cache.delete(cache.keys().next().value as string);
  cache.set(hash, value);
}

/**
 * Resolves a bearer key to its workspace and scopes. Results (including misses) are cached for
 * AUTH_CACHE_TTL_SECONDS so the hot path does no database read; a revocation clears this process's
 * entry at once and reaches other replicas within the TTL. Concurrent lookups of one key share one query.
 */
@Injectable()
export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();
  /** hash → when the miss expires. */
  private readonly misses = new Map<string, number>();
  private readonly loading = new Map<string, Promise<CacheEntry | null>>();

  constructor(
    private readonly keys: ApiKeysRepository,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async authenticate(header: string | undefined): Promise<AuthInfo> {
    const match = BEARER.exec(header ?? '');
    if (!match)
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing or malformed Authorization header; send "Authorization: Bearer <api key>"');
    const hash = hashApiKey(match[1]);
    const now = Date.now();
    let entry: CacheEntry | null | undefined = this.cache.get(hash);
    if (!entry || entry.expiresAt < now) entry = (this.misses.get(hash) ?? 0) >= now ? null : await this.load(hash);
    if (!entry || (entry.keyExpiresAt !== null && entry.keyExpiresAt < now)) {
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Invalid, expired or revoked API key');
    }
    return entry.info;
  }

  /**
   * Whether this process has seen the bearer key valid (its entry may have expired). Such a key is not a
   * guess: a client address over its failed-auth budget may still use it (AuthGuard).
   */
  knows(header: string | undefined): boolean {
    const match = BEARER.exec(header ?? '');
    return match !== null && this.cache.has(hashApiKey(match[1]));
  }

  forget(hash: string): void {
    this.cache.delete(hash);
  }

  private load(hash: string): Promise<CacheEntry | null> {
    let pending = this.loading.get(hash);
    if (!pending) {
      pending = this.query(hash).finally(() => this.loading.delete(hash));
      this.loading.set(hash, pending);
    }
    return pending;
  }

  private async query(hash: string): Promise<CacheEntry | null> {
    const found = await this.keys.findActiveByHash(hash);
    const expiresAt = Date.now() + this.config.AUTH_CACHE_TTL_SECONDS * 1000;
    if (!found) {
      this.cache.delete(hash);
      remember(this.misses, MAX_MISSES, hash, expiresAt);
      return null;
    }
    const entry: CacheEntry = {
      info: {
        keyId: found.key.id,
        workspaceId: found.key.workspaceId,
        scopes: found.key.scopes,
        instanceAdmin: found.key.instanceAdmin,
        ...limitsOf(found.workspace),
      },
      expiresAt,
      keyExpiresAt: found.key.expiresAt ? new Date(found.key.expiresAt).getTime() : null,
    };
    this.misses.delete(hash);
    remember(this.cache, MAX_CACHE, hash, entry);
    return entry;
  }
}
