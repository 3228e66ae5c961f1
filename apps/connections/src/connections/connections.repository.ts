import { ConnectionStatus, ConnectionView } from '@agentry/contracts';
import { decodeCursor } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ConnectionEntity } from './connection.entity';

export interface ConnectionFilter {
  platform?: string;
  status?: ConnectionStatus;
  cursor?: string;
  limit: number;
}

/** The only code that reads or writes the connections table (the rotation command has its own). Every query is scoped to a workspace. */
@Injectable()
export class ConnectionsRepository {
  constructor(@InjectRepository(ConnectionEntity) private readonly connections: Repository<ConnectionEntity>) {}

  find(workspaceId: string, id: string, manager?: EntityManager, lock = false): Promise<ConnectionEntity | null> {
    const repo = manager ? manager.getRepository(ConnectionEntity) : this.connections;
    return repo.findOne({ where: { workspaceId, id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  list(workspaceId: string, f: ConnectionFilter): Promise<ConnectionEntity[]> {
    const qb = this.connections.createQueryBuilder('c').where('c.workspace_id = :workspaceId', { workspaceId });
    if (f.platform) qb.andWhere('c.platform = :platform', { platform: f.platform });
    if (f.status) qb.andWhere('c.status = :status', { status: f.status });
    const after = decodeCursor<{ id: string }>(f.cursor, ['id']);
    if (after) qb.andWhere('c.id < :after', { after: after.id });
    return qb
      .orderBy('c.id', 'DESC')
      .limit(f.limit + 1)
      .getMany();
  }

  /** Every active connection of a workspace (of these platforms), for the tool catalog. */
  listActive(workspaceId: string, platforms?: string[]): Promise<ConnectionEntity[]> {
    const qb = this.connections
      .createQueryBuilder('c')
      .where('c.workspace_id = :workspaceId', { workspaceId })
      .andWhere("c.status = 'active'");
    if (platforms) qb.andWhere('c.platform IN (:...platforms)', { platforms });
    return qb.orderBy('c.id', 'ASC').limit(200).getMany();
  }

  async insert(manager: EntityManager, connection: ConnectionEntity): Promise<void> {
    await manager.insert(ConnectionEntity, connection as never);
  }

  async save(manager: EntityManager, connection: ConnectionEntity): Promise<void> {
    await manager.save(ConnectionEntity, connection);
  }

  /** Only the test columns: the sealed secrets are not rewritten. */
  async recordTest(manager: EntityManager, c: ConnectionEntity): Promise<void> {
    await manager.update(
      ConnectionEntity,
      { id: c.id, workspaceId: c.workspaceId },
      {
        status: c.status,
        errorMessage: c.errorMessage,
        failureReason: c.failureReason,
        lastTestedAt: c.lastTestedAt,
        updatedAt: c.updatedAt,
      },
    );
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const res = await this.connections.delete({ workspaceId, id });
    return (res.affected ?? 0) > 0;
  }
}

export function toConnectionView(c: ConnectionEntity): ConnectionView {
  return {
    id: c.id,
    platform: c.platform,
    name: c.name,
    status: c.status,
    error_message: c.errorMessage,
    last_tested_at: c.lastTestedAt ? c.lastTestedAt.toISOString() : null,
    config: { ...c.config, ...c.secretMasks },
    masked_fields: Object.keys(c.secretMasks).sort(),
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}
