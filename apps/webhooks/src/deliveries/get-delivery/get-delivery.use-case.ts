import { DeliveryDetailView, RpcContext } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { DeliveriesError } from '../deliveries.errors';
import { DeliveriesRepository, toAttemptView, toDeliveryView } from '../deliveries.repository';

/** A delivery with its payload and every attempt (time, status code, latency, first 1 KiB of the response, error). */
@Injectable()
export class GetDeliveryUseCase {
  constructor(private readonly repo: DeliveriesRepository) {}

  async execute(ctx: RpcContext, id: string): Promise<DeliveryDetailView> {
    const delivery = await this.repo.find(ctx.workspace_id, id);
    if (!delivery) throw DeliveriesError.notFound(id);
    const [attempts, payload] = await Promise.all([this.repo.attemptsOf(delivery.id), this.repo.payloadOf(delivery.messageId)]);
    return {
      ...toDeliveryView(delivery),
      payload: payload ? (JSON.parse(payload) as Record<string, unknown>) : {},
      attempts: attempts.map(toAttemptView),
    };
  }
}
