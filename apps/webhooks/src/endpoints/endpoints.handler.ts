import {
  CreateWebhookEndpointRequest,
  ListWebhookEndpointsQuery,
  RecoverWebhookEndpointMessage,
  RotateWebhookSecretMessage,
  TestWebhookEndpointMessage,
  UpdateWebhookEndpointMessage,
  WebhookEndpointRef,
  WebhooksRpc,
} from '@agentry/contracts';
import { Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateEndpointUseCase } from './create-endpoint/create-endpoint.use-case';
import { DeleteEndpointUseCase } from './delete-endpoint/delete-endpoint.use-case';
import { GetEndpointSecretUseCase } from './endpoint-secret/get-endpoint-secret.use-case';
import { RotateEndpointSecretUseCase } from './endpoint-secret/rotate-endpoint-secret.use-case';
import { GetEndpointUseCase } from './get-endpoint/get-endpoint.use-case';
import { ListEndpointsUseCase } from './list-endpoints/list-endpoints.use-case';
import { RecoverEndpointUseCase } from './recover-endpoint/recover-endpoint.use-case';
import { TestEndpointUseCase } from './test-endpoint/test-endpoint.use-case';
import { UpdateEndpointUseCase } from './update-endpoint/update-endpoint.use-case';

/** Serves the endpoint subjects of WebhooksRpcMap. */
@Controller()
export class EndpointsHandler {
  constructor(
    private readonly createEndpoint: CreateEndpointUseCase,
    private readonly listEndpoints: ListEndpointsUseCase,
    private readonly getEndpoint: GetEndpointUseCase,
    private readonly updateEndpoint: UpdateEndpointUseCase,
    private readonly deleteEndpoint: DeleteEndpointUseCase,
    private readonly getSecret: GetEndpointSecretUseCase,
    private readonly rotateSecret: RotateEndpointSecretUseCase,
    private readonly testEndpoint: TestEndpointUseCase,
    private readonly recoverEndpoint: RecoverEndpointUseCase,
  ) {}

  @MessagePattern(WebhooksRpc.createEndpoint)
  create(@Payload(Rpc(CreateWebhookEndpointRequest)) { ctx, data }: RpcInput<CreateWebhookEndpointRequest>) {
    return this.createEndpoint.execute(ctx, data);
  }

  @MessagePattern(WebhooksRpc.listEndpoints)
  list(@Payload(Rpc(ListWebhookEndpointsQuery)) { ctx, data }: RpcInput<ListWebhookEndpointsQuery>) {
    return this.listEndpoints.execute(ctx, data);
  }

  @MessagePattern(WebhooksRpc.getEndpoint)
  get(@Payload(Rpc(WebhookEndpointRef)) { ctx, data }: RpcInput<WebhookEndpointRef>) {
    return this.getEndpoint.execute(ctx, data.endpoint);
  }

  @MessagePattern(WebhooksRpc.updateEndpoint)
  update(@Payload(Rpc(UpdateWebhookEndpointMessage)) { ctx, data }: RpcInput<UpdateWebhookEndpointMessage>) {
    return this.updateEndpoint.execute(ctx, data.endpoint, data.patch);
  }

  @MessagePattern(WebhooksRpc.deleteEndpoint)
  delete(@Payload(Rpc(WebhookEndpointRef)) { ctx, data }: RpcInput<WebhookEndpointRef>) {
    return this.deleteEndpoint.execute(ctx, data.endpoint);
  }

  @MessagePattern(WebhooksRpc.getSecret)
  secret(@Payload(Rpc(WebhookEndpointRef)) { ctx, data }: RpcInput<WebhookEndpointRef>) {
    return this.getSecret.execute(ctx, data.endpoint);
  }

  @MessagePattern(WebhooksRpc.rotateSecret)
  rotate(@Payload(Rpc(RotateWebhookSecretMessage)) { ctx, data }: RpcInput<RotateWebhookSecretMessage>) {
    return this.rotateSecret.execute(ctx, data);
  }

  @MessagePattern(WebhooksRpc.testEndpoint)
  test(@Payload(Rpc(TestWebhookEndpointMessage)) { ctx, data }: RpcInput<TestWebhookEndpointMessage>) {
    return this.testEndpoint.execute(ctx, data);
  }

  @MessagePattern(WebhooksRpc.recoverEndpoint)
  recover(@Payload(Rpc(RecoverWebhookEndpointMessage)) { ctx, data }: RpcInput<RecoverWebhookEndpointMessage>) {
    return this.recoverEndpoint.execute(ctx, data);
  }
}
