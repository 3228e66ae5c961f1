import { EventSubject } from '@agentry/contracts';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { NatsHandles } from '../nats/nats';
import { LOGGER, NATS, SERVICE_NAME } from '../tokens';
import { DurableConsumer, DurableConsumerOptions, EventHandler } from './durable-consumer';

/**
 * The service's durable consumers, built on its own database, schema, NATS connection and logger:
 * `register()` from a provider, and the consumer starts with the application (at once if it already
 * has) and stops, finishing what it holds, when the application shuts down.
 */
@Injectable()
export class EventConsumers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumers: DurableConsumer[] = [];
  private started = false;

  constructor(
    private readonly ds: DataSource,
    @Inject(NATS) private readonly nats: NatsHandles,
    @Inject(SERVICE_NAME) private readonly schema: string,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async register(options: DurableConsumerOptions, handlers: { [S in EventSubject]?: EventHandler<S> } = {}): Promise<DurableConsumer> {
    const consumer = new DurableConsumer(this.ds, this.nats.js, this.nats.jsm, this.schema, this.logger, options, handlers);
    this.consumers.push(consumer);
    if (this.started) await consumer.start();
    return consumer;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.started = true;
    // a snapshot: one registered meanwhile starts itself (started is already true)
    for (const consumer of [...this.consumers]) await consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }
}
