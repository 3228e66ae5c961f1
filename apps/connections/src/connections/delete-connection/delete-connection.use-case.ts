import { RpcContext } from '@agentry/contracts';
import { isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { ConnectionsError } from '../connections.errors';
import { ConnectionsRepository } from '../connections.repository';
import { McpChangeBroadcast } from '../mcp-change-broadcast';

@Injectable()
export class DeleteConnectionUseCase {
  constructor(
    private readonly repo: ConnectionsRepository,
    private readonly mcpChanges: McpChangeBroadcast,
  ) {}

  /**
   * The row goes, and with it the only copy of its wrapped data key: the secrets are gone for good.
   * Every replica closes its MCP session of the connection (a no-op for other platforms).
   */
  async execute(ctx: RpcContext, id: string): Promise<{ id: string; deleted: true }> {
    if (!isId('con', id) || !(await this.repo.delete(ctx.workspace_id, id))) throw ConnectionsError.notFound(id);
    await this.mcpChanges.announce(id, 'session');
    return { id, deleted: true };
  }
}
