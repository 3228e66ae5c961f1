import { WebhookEndpointView, WebhookSecretView } from '@agentry/contracts';
import { decodeCursor, isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { EndpointEntity } from './endpoint.entity';

export interface EndpointFilter {
  status?: string;
  cursor?: string;
  limit: number;
}

/** The only code that reads or writes endpoints for the API. Every query is scoped to a workspace. */
@Injectable()
export class EndpointsRepository {
  constructor(@InjectRepository(EndpointEntity) private readonly endpoints: Repository<EndpointEntity>) {}

  /** With `lock`, the row stays locked until the caller's transaction ends. */
  find(workspaceId: string, id: string, manager?: EntityManager, lock = false): Promise<EndpointEntity | null> {
    if (!isId('whe', id)) return Promise.resolve(null);
    const repo = manager ? manager.getRepository(EndpointEntity) : this.endpoints;
    return repo.findOne({ where: { workspaceId, id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  async list(workspaceId: string, f: EndpointFilter): Promise<EndpointEntity[]> {
    const qb = this.endpoints.createQueryBuilder('e').where('e.workspace_id = :workspaceId', { workspaceId });
    if (f.status) qb.andWhere('e.status = :status', { status: f.status });
    const after = decodeCursor<{ id: string }>(f.cursor, ['id']);
    if (after) qb.andWhere('e.id < :after', { after: after.id });
    return qb
      .orderBy('e.id', 'DESC')
      .limit(f.limit + 1)
      .getMany();
  }

  async insert(manager: EntityManager, e: EndpointEntity): Promise<void> {
    await manager.insert(EndpointEntity, e as never);
  }

  /** Writes every mutable column. */
  async update(manager: EntityManager, e: EndpointEntity): Promise<void> {
    const { id, workspaceId, createdAt: _createdAt, ...columns } = e;
    await manager.update(EndpointEntity, { id, workspaceId }, columns as never);
  }

  /** Deletes the endpoint; its deliveries and their attempts go with it (ON DELETE CASCADE). */
  async delete(manager: EntityManager, e: EndpointEntity): Promise<void> {
    await manager.delete(EndpointEntity, { id: e.id, workspaceId: e.workspaceId });
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toEndpointView(e: EndpointEntity): WebhookEndpointView {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    event_types: e.eventTypes,
    agent_ids: e.agentIds,
    status: e.status,
    disabled_reason: e.disabledReason,
    disabled_at: iso(e.disabledAt),
    rate_limit_per_second: e.rateLimitPerSecond,
    failing_since: iso(e.failingSince),
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

/** The previous secret is shown only while it still signs. */
export function toSecretView(
  s: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null },
  now = new Date(),
): WebhookSecretView {
  const live = s.previousSecret && s.previousSecretExpiresAt && s.previousSecretExpiresAt > now;
  return {
    secret: s.secret,
    previous_secret: live ? s.previousSecret : null,
    previous_secret_expires_at: live ? iso(s.previousSecretExpiresAt) : null,
  };
}
