import { ConnectionView, RpcContext } from '@agentry/contracts';
import { isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { ConnectionEntity } from '../connection.entity';
import { ConnectionsError } from '../connections.errors';
import { ConnectionsRepository, toConnectionView } from '../connections.repository';

@Injectable()
export class GetConnectionUseCase {
  constructor(private readonly repo: ConnectionsRepository) {}

  async execute(ctx: RpcContext, id: string): Promise<ConnectionView> {
    return toConnectionView(await this.load(ctx, id));
  }

  /** The workspace's connection, or 404 (another workspace's id is a 404 too). */
  async load(ctx: RpcContext, id: string): Promise<ConnectionEntity> {
    const connection = isId('con', id) ? await this.repo.find(ctx.workspace_id, id) : null;
    if (!connection) throw ConnectionsError.notFound(id);
    return connection;
  }
}
