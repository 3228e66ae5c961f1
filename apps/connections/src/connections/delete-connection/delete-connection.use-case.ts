import { RpcContext } from '@agentry/contracts';
import { isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { ConnectionsError } from '../connections.errors';
import { ConnectionsRepository } from '../connections.repository';

@Injectable()
export class DeleteConnectionUseCase {
  constructor(private readonly repo: ConnectionsRepository) {}

  /** The row goes, and with it the only copy of its wrapped data key: the secrets are gone for good. */
  async execute(ctx: RpcContext, id: string): Promise<{ id: string; deleted: true }> {
    if (!isId('con', id) || !(await this.repo.delete(ctx.workspace_id, id))) throw ConnectionsError.notFound(id);
    return { id, deleted: true };
  }
}
