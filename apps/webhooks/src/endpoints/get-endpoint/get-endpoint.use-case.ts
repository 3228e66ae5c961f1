import { RpcContext, WebhookEndpointView } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { EndpointsError } from '../endpoints.errors';
import { EndpointsRepository, toEndpointView } from '../endpoints.repository';

@Injectable()
export class GetEndpointUseCase {
  constructor(private readonly repo: EndpointsRepository) {}

  async execute(ctx: RpcContext, id: string): Promise<WebhookEndpointView> {
    const endpoint = await this.repo.find(ctx.workspace_id, id);
    if (!endpoint) throw EndpointsError.notFound(id);
    return toEndpointView(endpoint);
  }
}
