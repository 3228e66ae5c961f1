import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallbackSecretUseCase } from './callbacks/callback-secret.use-case';
import { CallbackSignerEntity } from './callbacks/callback-signer.entity';
import { CallbacksHandler } from './callbacks/callbacks.handler';
import { DeliveriesHandler } from './deliveries/deliveries.handler';
import { DeliveriesRepository } from './deliveries/deliveries.repository';
import { DeliveryAttemptEntity } from './deliveries/delivery-attempt.entity';
import { DeliveryEntity } from './deliveries/delivery.entity';
import { GetDeliveryUseCase } from './deliveries/get-delivery/get-delivery.use-case';
import { ListDeliveriesUseCase } from './deliveries/list-deliveries/list-deliveries.use-case';
import { RetryDeliveryUseCase } from './deliveries/retry-delivery/retry-delivery.use-case';
import { DispatchRepository } from './delivery/dispatch.repository';
import { Dispatcher } from './delivery/dispatcher';
import { CreateEndpointUseCase } from './endpoints/create-endpoint/create-endpoint.use-case';
import { DeleteEndpointUseCase } from './endpoints/delete-endpoint/delete-endpoint.use-case';
import { EndpointDisabler } from './endpoints/endpoint-disabler';
import { EndpointEntity } from './endpoints/endpoint.entity';
import { GetEndpointSecretUseCase } from './endpoints/endpoint-secret/get-endpoint-secret.use-case';
import { RotateEndpointSecretUseCase } from './endpoints/endpoint-secret/rotate-endpoint-secret.use-case';
import { EndpointUrlCheck } from './endpoints/endpoint-url.check';
import { EndpointsHandler } from './endpoints/endpoints.handler';
import { EndpointsRepository } from './endpoints/endpoints.repository';
import { GetEndpointUseCase } from './endpoints/get-endpoint/get-endpoint.use-case';
import { ListEndpointsUseCase } from './endpoints/list-endpoints/list-endpoints.use-case';
import { RecoverEndpointUseCase } from './endpoints/recover-endpoint/recover-endpoint.use-case';
import { TestEndpointUseCase } from './endpoints/test-endpoint/test-endpoint.use-case';
import { UpdateEndpointUseCase } from './endpoints/update-endpoint/update-endpoint.use-case';
import { ListEventTypesUseCase } from './event-types/list-event-types.use-case';
import { MessageEntity } from './messages/message.entity';
import { MessageFanOut } from './messages/message-fan-out';
import { WebhookEventsConsumer } from './messages/webhook-events.consumer';
import { SigningSecretsSweep } from './signing/signing-secrets.sweep';
import { SecretSealer } from './signing/secret-sealer';

export const WEBHOOKS_ENTITIES = [EndpointEntity, CallbackSignerEntity, MessageEntity, DeliveryEntity, DeliveryAttemptEntity];

@Module({
  imports: [TypeOrmModule.forFeature(WEBHOOKS_ENTITIES)],
  controllers: [EndpointsHandler, DeliveriesHandler, CallbacksHandler],
  providers: [
    SecretSealer,
    SigningSecretsSweep,
    EndpointsRepository,
    DeliveriesRepository,
    DispatchRepository,
    EndpointUrlCheck,
    EndpointDisabler,
    MessageFanOut,
    Dispatcher,
    WebhookEventsConsumer,
    CreateEndpointUseCase,
    ListEndpointsUseCase,
    GetEndpointUseCase,
    UpdateEndpointUseCase,
    DeleteEndpointUseCase,
    GetEndpointSecretUseCase,
    RotateEndpointSecretUseCase,
    TestEndpointUseCase,
    RecoverEndpointUseCase,
    ListDeliveriesUseCase,
    GetDeliveryUseCase,
    RetryDeliveryUseCase,
    CallbackSecretUseCase,
    ListEventTypesUseCase,
  ],
})
export class WebhooksModule {}
