import { Plan, PLAN_LIMITS } from '@agentry/contracts';
import { SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { GatewayConfig } from '../config/gateway.config';
import { WorkspaceEntity } from './workspace.entity';

/** What a workspace's plan allows the gateway to enforce and the services to count. */
export interface WorkspaceLimits {
  plan: Plan;
  requestsPerMinute: number;
}

interface Entry {
  limits: WorkspaceLimits | null;
  expiresAt: number;
}

const MAX_CACHE = 10_000;

export function limitsOf(w: Pick<WorkspaceEntity, 'plan' | 'requestsPerMinute'>): WorkspaceLimits {
  return { plan: w.plan, requestsPerMinute: w.requestsPerMinute ?? PLAN_LIMITS[w.plan].requests_per_minute };
}

/**
 * A workspace's plan for callers that are not an API key (inbound hooks), which the Authenticator
 * cannot resolve. Cached for AUTH_CACHE_TTL_SECONDS like the API-key path, so a burst of hook calls
 * costs one read; concurrent lookups of one workspace share it.
 */
@Injectable()
export class WorkspaceLimitsCache {
  private readonly cache = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<WorkspaceLimits | null>>();

  constructor(
    @InjectRepository(WorkspaceEntity) private readonly workspaces: Repository<WorkspaceEntity>,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The workspace's limits, or null when there is no such workspace. */
  async get(workspaceId: string): Promise<WorkspaceLimits | null> {
    const hit = this.cache.get(workspaceId);
    if (hit && hit.expiresAt >= Date.now()) return hit.limits;
    let pending = this.loading.get(workspaceId);
    if (!pending) {
      pending = this.load(workspaceId).finally(() => this.loading.delete(workspaceId));
      this.loading.set(workspaceId, pending);
    }
    return pending;
  }

  private async load(workspaceId: string): Promise<WorkspaceLimits | null> {
    const w = await this.workspaces.findOne({ where: { id: workspaceId }, select: { id: true, plan: true, requestsPerMinute: true } });
    const limits = w && PLAN_LIMITS[w.plan] ? limitsOf(w) : null;
    this.cache.delete(workspaceId);
    if (this.cache.size >= MAX_CACHE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(workspaceId, { limits, expiresAt: Date.now() + this.config.AUTH_CACHE_TTL_SECONDS * 1000 });
    return limits;
  }
}
