import { decodeCursor } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { WorkspaceEntity } from '../workspaces/workspace.entity';
import { ApiKeyEntity } from './api-key.entity';

export interface KeyWithWorkspace {
  key: ApiKeyEntity;
  workspace: WorkspaceEntity;
}

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  async findActiveByHash(hash: string): Promise<KeyWithWorkspace | null> {
    const rows: Array<Record<string, unknown>> = await this.keys.query(
      `SELECT k.id, k.workspace_id, k.scopes, k.instance_admin, k.expires_at, w.plan, w.requests_per_minute
         FROM gateway.api_keys k JOIN gateway.workspaces w ON w.id = k.workspace_id
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [hash],
    );
    const r = rows[0];
    if (!r) return null;
    const key = Object.assign(new ApiKeyEntity(), {
      id: r.id,
      workspaceId: r.workspace_id,
      scopes: r.scopes,
      instanceAdmin: r.instance_admin,
      expiresAt: r.expires_at,
    });
    const workspace = Object.assign(new WorkspaceEntity(), { id: r.workspace_id, plan: r.plan, requestsPerMinute: r.requests_per_minute });
    return { key, workspace };
  }

  insert(manager: EntityManager, key: ApiKeyEntity): Promise<unknown> {
    return manager.insert(ApiKeyEntity, key);
  }

  list(workspaceId: string, limit: number, cursor?: string): Promise<ApiKeyEntity[]> {
    const after = decodeCursor<{ id: string }>(cursor, ['id']);
    const qb = this.keys.createQueryBuilder('k').where('k.workspace_id = :workspaceId AND k.revoked_at IS NULL', { workspaceId });
    if (after) qb.andWhere('k.id < :after', { after: after.id });
    return qb
      .orderBy('k.id', 'DESC')
      .limit(limit + 1)
      .getMany();
  }

  /** Revokes a key of this workspace; returns its hash, or null when there is none. */
  async revoke(workspaceId: string, id: string): Promise<string | null> {
    const key = await this.keys.findOne({ where: { id, workspaceId, revokedAt: IsNull() } });
    if (!key) return null;
    await this.keys.update({ id, workspaceId }, { revokedAt: new Date() });
    return key.keyHash;
  }
}
