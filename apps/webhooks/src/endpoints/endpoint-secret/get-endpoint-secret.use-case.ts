import { RpcContext, WebhookSecretView } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { SecretSealer } from '../../signing/secret-sealer';
import { EndpointsError } from '../endpoints.errors';
import { EndpointsRepository, toSecretView } from '../endpoints.repository';

@Injectable()
export class GetEndpointSecretUseCase {
  constructor(
    private readonly repo: EndpointsRepository,
    private readonly sealer: SecretSealer,
  ) {}

  async execute(ctx: RpcContext, id: string): Promise<WebhookSecretView> {
    const endpoint = await this.repo.find(ctx.workspace_id, id);
    if (!endpoint) throw EndpointsError.notFound(id);
    return toSecretView(this.sealer.opened(endpoint, { workspaceId: endpoint.workspaceId, endpointId: endpoint.id }));
  }
}
