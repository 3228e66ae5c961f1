import { DeliveryView, RpcContext } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Dispatcher } from '../../delivery/dispatcher';
import { EndpointsError } from '../../endpoints/endpoints.errors';
import { EndpointsRepository } from '../../endpoints/endpoints.repository';
import { DeliveriesError } from '../deliveries.errors';
import { DeliveriesRepository, toDeliveryView } from '../deliveries.repository';

/**
 * Sends a delivery again now (failed, succeeded, or pending and waiting for a retry), from the start of
 * the retry schedule, with the same `webhook-id`. Refused while an attempt is in flight or when its
 * endpoint is disabled.
 */
@Injectable()
export class RetryDeliveryUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly deliveries: DeliveriesRepository,
    private readonly endpoints: EndpointsRepository,
    private readonly dispatcher: Dispatcher,
  ) {}

  async execute(ctx: RpcContext, id: string): Promise<DeliveryView> {
    const delivery = await this.ds.transaction(async (m) => {
      const d = await this.deliveries.find(ctx.workspace_id, id, m, true);
      if (!d) throw DeliveriesError.notFound(id);
      if (d.status === 'pending' && d.leaseId && d.nextAttemptAt && d.nextAttemptAt > new Date()) throw DeliveriesError.inFlight(d.id);
      if (d.endpointId) {
        const endpoint = await this.endpoints.find(ctx.workspace_id, d.endpointId, m);
        if (endpoint && endpoint.status !== 'enabled') throw EndpointsError.disabled(endpoint.id);
      }
      await this.deliveries.reschedule(m, d.id);
      return (await this.deliveries.find(ctx.workspace_id, id, m))!;
    });
    this.dispatcher.wake();
    return toDeliveryView(delivery);
  }
}
