import { DeliveryRef, ListEndpointDeliveriesMessage, WebhooksRpc } from '@agentry/contracts';
import { Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetDeliveryUseCase } from './get-delivery/get-delivery.use-case';
import { ListDeliveriesUseCase } from './list-deliveries/list-deliveries.use-case';
import { RetryDeliveryUseCase } from './retry-delivery/retry-delivery.use-case';

/** Serves the delivery subjects of WebhooksRpcMap. */
@Controller()
export class DeliveriesHandler {
  constructor(
    private readonly listDeliveries: ListDeliveriesUseCase,
    private readonly getDelivery: GetDeliveryUseCase,
    private readonly retryDelivery: RetryDeliveryUseCase,
  ) {}

  @MessagePattern(WebhooksRpc.listDeliveries)
  list(@Payload(Rpc(ListEndpointDeliveriesMessage)) { ctx, data }: RpcInput<ListEndpointDeliveriesMessage>) {
    return this.listDeliveries.execute(ctx, data);
  }

  @MessagePattern(WebhooksRpc.getDelivery)
  get(@Payload(Rpc(DeliveryRef)) { ctx, data }: RpcInput<DeliveryRef>) {
    return this.getDelivery.execute(ctx, data.delivery);
  }

  @MessagePattern(WebhooksRpc.retryDelivery)
  retry(@Payload(Rpc(DeliveryRef)) { ctx, data }: RpcInput<DeliveryRef>) {
    return this.retryDelivery.execute(ctx, data.delivery);
  }
}
