import {
  ConnectionsEvents,
  EVENT_CATALOG,
  EventEnvelope,
  EventSubject,
  ExecutionEventData,
  ExecutionsEvents,
  SchedulesEvents,
  WebhooksEvents,
} from '@agentry/contracts';
import { DurableConsumer, LOGGER, Logger, NATS, NatsHandles, SERVICE_NAME } from '@agentry/common';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { Dispatcher } from '../delivery/dispatcher';
import { disconnectedDraft, endpointDisabledDraft, executionDraft, MessageDraft, scheduleFiredDraft } from './event-payload';
import { MessageFanOut } from './message-fan-out';

/** The domain events that become webhook messages. */
export const SUBSCRIBED: EventSubject[] = [
  ExecutionsEvents.succeeded,
  ExecutionsEvents.failed,
  ExecutionsEvents.waiting,
  ExecutionsEvents.cancelled,
  SchedulesEvents.fired,
  ConnectionsEvents.disconnected,
  WebhooksEvents.endpointDisabled,
];

function draftOf(subject: EventSubject, e: EventEnvelope<unknown>): MessageDraft | null {
  switch (subject) {
    case SchedulesEvents.fired:
      return scheduleFiredDraft(e as never);
    case ConnectionsEvents.disconnected:
      return disconnectedDraft(e as never);
    case WebhooksEvents.endpointDisabled:
      return endpointDisabledDraft(e as never);
    default:
      return executionDraft(subject, e as EventEnvelope<ExecutionEventData>);
  }
}

/**
 * Durable, idempotent consumer of the events above (shared by the replicas): each event becomes a
 * message and its deliveries in the consumer's transaction; the dispatcher is woken after the commit.
 */
@Injectable()
export class WebhookEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: DurableConsumer;

  constructor(
    private readonly ds: DataSource,
    private readonly fanOut: MessageFanOut,
    private readonly dispatcher: Dispatcher,
    @Inject(NATS) private readonly nats: NatsHandles,
    @Inject(SERVICE_NAME) private readonly schema: string,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const handle = (event: EventEnvelope<unknown>, m: EntityManager, subject: EventSubject) => this.handle(event, m, subject);
    this.consumer = new DurableConsumer(
      this.ds,
      this.nats.js,
      this.nats.jsm,
      this.schema,
      this.logger,
      { name: 'webhooks-messages', subjects: SUBSCRIBED, concurrency: 8 },
      Object.fromEntries(SUBSCRIBED.map((s) => [s, handle])),
    );
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(event: EventEnvelope<unknown>, m: EntityManager, subject: EventSubject): Promise<(() => void) | void> {
    const data = plainToInstance(EVENT_CATALOG[subject].data as new () => object, event.data);
    const errors = await validate(data);
    if (errors.length) {
      // a malformed event never becomes valid: record it in the logs and move on
      this.logger.error({ subject, event_id: event.id, fields: errors.map((e) => e.property) }, 'webhooks: dropping an event with invalid data');
      return;
    }
    const draft = draftOf(subject, event);
    if (!draft) return;
    const result = await this.fanOut.publish(m, event.workspace_id, draft, event.id);
    if (result) return () => this.dispatcher.wake();
  }
}
