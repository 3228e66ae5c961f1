import { EventEnvelope, EventMap, EventSubject } from '@agentry/contracts';
import { EntityManager } from 'typeorm';
import { newId } from '../ids';
import { RequestContext } from '../logging/request-context';

export interface OutboxWakeup {
  wake(): void;
}

/**
 * Writes domain events into the service's outbox table inside the caller's transaction,
 * so an event exists if and only if the change that caused it was committed.
 */
export class Outbox {
  private waker?: OutboxWakeup;

  attachRelay(relay: OutboxWakeup): void {
    this.waker = relay;
  }

  async add<S extends EventSubject>(
    manager: EntityManager,
    subject: S,
    workspaceId: string,
    data: EventMap[S],
    version = 1,
  ): Promise<EventEnvelope<EventMap[S]>> {
    const envelope = this.envelope(subject, workspaceId, data, version);
    await manager.query(
      `INSERT INTO "${manager.connection.driver.schema}".outbox (id, subject, payload, request_id) VALUES ($1, $2, $3, $4)`,
      [envelope.id, subject, JSON.stringify(envelope), RequestContext.requestId() ?? null],
    );
    return envelope;
  }

  /**
   * Builds an event without writing it, for services that insert outbox rows in their own batched
   * statement (`INSERT INTO <schema>.outbox (id, subject, payload, request_id)`, still inside the change's transaction;
   * request_id is `RequestContext.requestId()`, sent as the event's x-request-id header).
   */
  envelope<S extends EventSubject>(subject: S, workspaceId: string, data: EventMap[S], version = 1): EventEnvelope<EventMap[S]> {
    return {
      id: newId('evt'),
      type: subject.split('.').slice(1).join('.'),
      version,
      occurred_at: new Date().toISOString(),
      workspace_id: workspaceId,
      data,
    };
  }

  /** Call after the transaction commits: the relay publishes at once instead of at its next poll. */
  flush(): void {
    this.waker?.wake();
  }
}
