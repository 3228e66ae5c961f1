import { DeliveryView, ListEndpointDeliveriesMessage, Page, RpcContext } from '@agentry/contracts';
import { pageLimit, toPage } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { EndpointsError } from '../../endpoints/endpoints.errors';
import { EndpointsRepository } from '../../endpoints/endpoints.repository';
import { DeliveriesRepository, toDeliveryView } from '../deliveries.repository';

/** An endpoint's deliveries, newest first, optionally by status and event type. */
@Injectable()
export class ListDeliveriesUseCase {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  async execute(ctx: RpcContext, msg: ListEndpointDeliveriesMessage): Promise<Page<DeliveryView>> {
    const endpoint = await this.endpoints.find(ctx.workspace_id, msg.endpoint);
    if (!endpoint) throw EndpointsError.notFound(msg.endpoint);
    const limit = pageLimit(msg.limit);
    const rows = await this.deliveries.listForEndpoint(endpoint.id, {
      status: msg.status,
      eventType: msg.event_type,
      cursor: msg.cursor,
      limit,
    });
    return toPage(rows, limit, toDeliveryView, (d) => ({ id: d.id }));
  }
}
