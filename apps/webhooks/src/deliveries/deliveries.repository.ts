import { DeliveryAttemptView, DeliveryView } from '@agentry/contracts';
import { decodeCursor, isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { affected } from '../database/returning';
import { MessageEntity } from '../messages/message.entity';
import { DeliveryAttemptEntity } from './delivery-attempt.entity';
import { DeliveryEntity } from './delivery.entity';

export interface DeliveryFilter {
  status?: string;
  eventType?: string;
  cursor?: string;
  limit: number;
}

/** Deliveries and attempts as the API reads them, and the user's requests to send again. */
@Injectable()
export class DeliveriesRepository {
  constructor(
    @InjectRepository(DeliveryEntity) private readonly deliveries: Repository<DeliveryEntity>,
    @InjectRepository(DeliveryAttemptEntity) private readonly attempts: Repository<DeliveryAttemptEntity>,
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
  ) {}

  find(workspaceId: string, id: string, manager?: EntityManager, lock = false): Promise<DeliveryEntity | null> {
    if (!isId('del', id)) return Promise.resolve(null);
    const repo = manager ? manager.getRepository(DeliveryEntity) : this.deliveries;
    return repo.findOne({ where: { workspaceId, id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  /** Newest first. */
  async listForEndpoint(endpointId: string, f: DeliveryFilter): Promise<DeliveryEntity[]> {
    const qb = this.deliveries.createQueryBuilder('d').where('d.endpoint_id = :endpointId', { endpointId });
    if (f.status) qb.andWhere('d.status = :status', { status: f.status });
    if (f.eventType) qb.andWhere('d.event_type = :eventType', { eventType: f.eventType });
    const after = decodeCursor<{ id: string }>(f.cursor, ['id']);
    if (after) qb.andWhere('d.id < :after', { after: after.id });
    return qb
      .orderBy('d.id', 'DESC')
      .limit(f.limit + 1)
      .getMany();
  }

  attemptsOf(deliveryId: string): Promise<DeliveryAttemptEntity[]> {
    return this.attempts.find({ where: { deliveryId }, order: { attempt: 'ASC' } });
  }

  async payloadOf(messageId: string): Promise<string | null> {
    const m = await this.messages.findOne({ where: { id: messageId }, select: { id: true, payload: true } });
    return m?.payload ?? null;
  }

  /** Due now, from the start of the retry schedule. */
  async reschedule(m: EntityManager, id: string): Promise<void> {
    await m.query(
      `UPDATE webhooks.deliveries SET status = 'pending', next_attempt_at = now(), schedule_step = 0, lease_id = NULL, updated_at = now()
        WHERE id = $1`,
      [id],
    );
  }

  async rescheduleFailed(m: EntityManager, endpointId: string, since: Date, until: Date): Promise<number> {
    const res: unknown = await m.query(
      `UPDATE webhooks.deliveries SET status = 'pending', next_attempt_at = now(), schedule_step = 0, lease_id = NULL, updated_at = now()
        WHERE endpoint_id = $1 AND status = 'failed' AND created_at >= $2 AND created_at < $3`,
      [endpointId, since, until],
    );
    return affected(res);
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toDeliveryView(d: DeliveryEntity): DeliveryView {
  return {
    id: d.id,
    message_id: d.messageId,
    endpoint_id: d.endpointId,
    callback_url: d.callbackUrl,
    event_type: d.eventType,
    status: d.status,
    attempt_count: d.attemptCount,
    next_attempt_at: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    last_attempt_at: iso(d.lastAttemptAt),
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

export function toAttemptView(a: DeliveryAttemptEntity): DeliveryAttemptView {
  return {
    attempt: a.attempt,
    started_at: a.startedAt.toISOString(),
    url: a.url,
    status_code: a.statusCode,
    latency_ms: a.latencyMs,
    response_excerpt: a.responseExcerpt,
    error: a.error,
    outcome: a.outcome,
  };
}
