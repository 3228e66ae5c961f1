import { ErrorCode, PLAN_LIMITS } from '@agentry/contracts';
import { AppError, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { hashApiKey } from '../api-keys/api-key.crypto';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { GatewayConfig } from '../config/gateway.config';
import { AuthInfo } from './auth.decorators';

interface CacheEntry {
  info: AuthInfo | null;
  expiresAt: number;
  keyExpiresAt: number | null;
}

const MAX_CACHE = 10_000;

/**
 * Resolves a bearer key to its workspace and scopes. Results (including misses) are cached for
 * AUTH_CACHE_TTL_SECONDS so the hot path does no database read; a revocation clears this process's
 * entry at once and reaches other replicas within the TTL.
 */
@Injectable()
export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly keys: ApiKeysRepository,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async authenticate(header: string | undefined): Promise<AuthInfo> {
    const match = /^Bearer\s+(\S{1,512})$/i.exec(header ?? '');
    if (!match)
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing or malformed Authorization header; send "Authorization: Bearer <api key>"');
    const hash = hashApiKey(match[1]);
    const now = Date.now();
    let entry = this.cache.get(hash);
    if (!entry || entry.expiresAt < now) {
      entry = await this.load(hash, now);
    }
    if (!entry.info || (entry.keyExpiresAt !== null && entry.keyExpiresAt < now)) {
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Invalid, expired or revoked API key');
    }
    return entry.info;
  }

  forget(hash: string): void {
    this.cache.delete(hash);
  }

  private async load(hash: string, now: number): Promise<CacheEntry> {
    const found = await this.keys.findActiveByHash(hash);
    const info: AuthInfo | null = found && {
      keyId: found.key.id,
      workspaceId: found.key.workspaceId,
      scopes: found.key.scopes,
      instanceAdmin: found.key.instanceAdmin,
      requestsPerMinute: found.workspace.requestsPerMinute ?? PLAN_LIMITS[found.workspace.plan].requests_per_minute,
      plan: found.workspace.plan,
    };
    const entry: CacheEntry = {
      info,
      expiresAt: now + this.config.AUTH_CACHE_TTL_SECONDS * 1000,
      keyExpiresAt: found?.key.expiresAt ? new Date(found.key.expiresAt).getTime() : null,
    };
    if (this.cache.size >= MAX_CACHE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(hash, entry);
    return entry;
  }
}
