import { RotateWebhookSecretRequest, WebhooksRpc } from '@agentry/contracts';
import { Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ListEventTypesUseCase } from '../event-types/list-event-types.use-case';
import { CallbackSecretUseCase } from './callback-secret.use-case';

/** The run-callback secret and the event-type catalog. */
@Controller()
export class CallbacksHandler {
  constructor(
    private readonly callbackSecret: CallbackSecretUseCase,
    private readonly eventTypes: ListEventTypesUseCase,
  ) {}

  @MessagePattern(WebhooksRpc.getCallbackSecret)
  secret(@Payload(Rpc()) { ctx }: RpcInput<Record<string, never>>) {
    return this.callbackSecret.get(ctx);
  }

  @MessagePattern(WebhooksRpc.rotateCallbackSecret)
  rotate(@Payload(Rpc(RotateWebhookSecretRequest)) { ctx, data }: RpcInput<RotateWebhookSecretRequest>) {
    return this.callbackSecret.rotate(ctx, data);
  }

  @MessagePattern(WebhooksRpc.listEventTypes)
  types(@Payload(Rpc()) _msg: RpcInput<Record<string, never>>) {
    return this.eventTypes.execute();
  }
}
