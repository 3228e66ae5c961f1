import {
  ConnectionsEvents,
  EVENT_CATALOG,
  EVENT_CONSUMERS,
  EventEnvelope,
  EventSubject,
  ExecutionEventData,
  SchedulesEvents,
  WebhooksEvents,
} from '@agentry/contracts';
import { EventConsumers, LOGGER, Logger, ReceivedEvent } from '@agentry/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { EntityManager } from 'typeorm';
import { Dispatcher } from '../delivery/dispatcher';
import { disconnectedDraft, endpointDisabledDraft, executionDraft, MessageDraft, scheduleFiredDraft } from './event-payload';
import { MessageFanOut, PublishItem } from './message-fan-out';

/** The domain events that become webhook messages. */
export const SUBSCRIBED: readonly EventSubject[] = EVENT_CONSUMERS.webhooksMessages.subjects;

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
 * Durable, idempotent consumer of the events above (shared by the replicas), in batch mode: the events
 * waiting are turned into messages and deliveries in one transaction with their processed_events rows,
 * so a message exists before its event is acknowledged; the dispatcher is woken after the commit.
 */
@Injectable()
export class WebhookEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly fanOut: MessageFanOut,
    private readonly dispatcher: Dispatcher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.register(
      { ...EVENT_CONSUMERS.webhooksMessages, batch: { maxSize: 200, handler: (events, m) => this.handle(events, m) } },
      {},
    );
  }

  private async handle(events: ReceivedEvent[], m: EntityManager): Promise<(() => void) | void> {
    const items: PublishItem[] = [];
    for (const { subject, envelope } of events) {
      const data = plainToInstance(EVENT_CATALOG[subject].data as new () => object, envelope.data);
      const errors = await validate(data);
      if (errors.length) {
        // a malformed event never becomes valid: record it in the logs and move on
        this.logger.error(
          { subject, event_id: envelope.id, fields: errors.map((e) => e.property) },
          'webhooks: dropping an event with invalid data',
        );
        continue;
      }
      const draft = draftOf(subject, envelope);
      if (draft) items.push({ workspaceId: envelope.workspace_id, draft, sourceEventId: envelope.id });
    }
    const results = await this.fanOut.publishMany(m, items);
    if (results.some((r) => r !== null)) return () => this.dispatcher.wake();
  }
}
