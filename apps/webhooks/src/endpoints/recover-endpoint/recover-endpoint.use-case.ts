import { RecoverResultView, RecoverWebhookEndpointMessage, RpcContext } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveriesRepository } from '../../deliveries/deliveries.repository';
import { Dispatcher } from '../../delivery/dispatcher';
import { EndpointsError } from '../endpoints.errors';
import { EndpointsRepository } from '../endpoints.repository';

/** Schedules every failed delivery of the endpoint created in [since, until) again, from the start of the retry schedule. */
@Injectable()
export class RecoverEndpointUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly endpoints: EndpointsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly dispatcher: Dispatcher,
  ) {}

  async execute(ctx: RpcContext, msg: RecoverWebhookEndpointMessage): Promise<RecoverResultView> {
    const now = new Date();
    const since = new Date(msg.since);
    const until = msg.until ? new Date(msg.until) : now;
    if (since.getTime() > now.getTime()) throw EndpointsError.badRange('since', 'must not be in the future');
    if (until.getTime() <= since.getTime()) throw EndpointsError.badRange('until', 'must be after since');
    const recovered = await this.ds.transaction(async (m) => {
      const endpoint = await this.endpoints.find(ctx.workspace_id, msg.endpoint, m, true);
      if (!endpoint) throw EndpointsError.notFound(msg.endpoint);
      if (endpoint.status !== 'enabled') throw EndpointsError.disabled(endpoint.id);
      return this.deliveries.rescheduleFailed(m, endpoint.id, since, until);
    });
    if (recovered > 0) this.dispatcher.wake();
    return { endpoint_id: msg.endpoint, recovered };
  }
}
