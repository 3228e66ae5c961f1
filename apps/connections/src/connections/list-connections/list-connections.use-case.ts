import { ConnectionView, ListConnectionsQuery, Page, RpcContext } from '@agentry/contracts';
import { pageLimit, toPage } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { ConnectionsRepository, toConnectionView } from '../connections.repository';

@Injectable()
export class ListConnectionsUseCase {
  constructor(private readonly repo: ConnectionsRepository) {}

  async execute(ctx: RpcContext, query: ListConnectionsQuery): Promise<Page<ConnectionView>> {
    const limit = pageLimit(query.limit);
    const rows = await this.repo.list(ctx.workspace_id, { ...query, limit });
    return toPage(rows, limit, toConnectionView, (c) => ({ id: c.id }));
  }
}
