import { ListWebhookEndpointsQuery, Page, RpcContext, WebhookEndpointView } from '@agentry/contracts';
import { pageLimit, toPage } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { EndpointsRepository, toEndpointView } from '../endpoints.repository';

@Injectable()
export class ListEndpointsUseCase {
  constructor(private readonly repo: EndpointsRepository) {}

  async execute(ctx: RpcContext, query: ListWebhookEndpointsQuery): Promise<Page<WebhookEndpointView>> {
    const limit = pageLimit(query.limit);
    const rows = await this.repo.list(ctx.workspace_id, { ...query, limit });
    return toPage(rows, limit, toEndpointView, (e) => ({ id: e.id }));
  }
}
