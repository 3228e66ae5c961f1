import { DeliveryView, RpcContext, TestWebhookEndpointMessage } from '@agentry/contracts';
import { SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WebhooksConfig } from '../../config/webhooks.config';
import { DeliveriesRepository, toDeliveryView } from '../../deliveries/deliveries.repository';
import { Dispatcher } from '../../delivery/dispatcher';
import { examplePayload } from '../../event-types/event-types';
import { MessageFanOut } from '../../messages/message-fan-out';
import { EndpointsError } from '../endpoints.errors';
import { EndpointsRepository } from '../endpoints.repository';

const KEPT = ['event', 'id', 'workspace_id', 'timestamp'];

/**
 * Sends an example event (with `test: true`) to this endpoint only, signed and retried like any other;
 * returns its delivery at once (`GET /v1/deliveries/{id}` shows the attempts). `data` over the 256 KiB
 * payload limit is refused here, at the producer.
 */
@Injectable()
export class TestEndpointUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly endpoints: EndpointsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly fanOut: MessageFanOut,
    private readonly dispatcher: Dispatcher,
    @Inject(SERVICE_CONFIG) private readonly config: WebhooksConfig,
  ) {}

  async execute(ctx: RpcContext, msg: TestWebhookEndpointMessage): Promise<DeliveryView> {
    const eventType = msg.event_type ?? 'agent.execution.success';
    const custom = Object.fromEntries(Object.entries(msg.data ?? {}).filter(([k]) => !KEPT.includes(k)));
    const fields = {
      ...examplePayload(eventType),
      ...custom,
      workspace_id: ctx.workspace_id,
      test: true,
      timestamp: new Date().toISOString(),
    };
    delete (fields as Record<string, unknown>).id;
    const size = Buffer.byteLength(JSON.stringify({ ...fields, id: 'msg_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }));
    if (size > this.config.WEBHOOKS_MAX_PAYLOAD_BYTES) throw EndpointsError.payloadTooLarge(size, this.config.WEBHOOKS_MAX_PAYLOAD_BYTES);
    const deliveryId = await this.ds.transaction(async (m) => {
      const endpoint = await this.endpoints.find(ctx.workspace_id, msg.endpoint, m);
      if (!endpoint) throw EndpointsError.notFound(msg.endpoint);
      if (endpoint.status !== 'enabled') throw EndpointsError.disabled(endpoint.id);
      const result = await this.fanOut.publishTo(m, ctx.workspace_id, eventType, fields, endpoint.id);
      return result.deliveryIds[0];
    });
    this.dispatcher.wake();
    return toDeliveryView((await this.deliveries.find(ctx.workspace_id, deliveryId))!);
  }
}
