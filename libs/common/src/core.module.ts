import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown, Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { collectDefaultMetrics } from 'prom-client';
import { DataSource, EntitySchema, MixedList } from 'typeorm';
import { loadConfig } from './config/load-config';
import { ServiceConfig } from './config/service.config';
import { ClassType, ensureDatabaseAndSchema, serviceDataSourceOptions } from './database/data-source';
import { HealthController } from './health/health.controller';
import { createLogger } from './logging/logger';
import { MetricsController } from './metrics/metrics.controller';
import { connectNats, ensureEventsStream, NatsHandles, natsIdentity } from './nats/nats';
import { Outbox } from './outbox/outbox';
import { EventConsumers } from './consumer/event-consumers';
import { OutboxRelay } from './outbox/outbox-relay';
import { RpcInterceptor } from './rpc/rpc.interceptor';
import { LOGGER, NATS, SERVICE_CONFIG, SERVICE_NAME } from './tokens';

export interface CoreModuleOptions<C extends ServiceConfig> {
  /** Service name: its Postgres schema, NATS queue group and log label. */
  name: string;
  config: new () => C;
  entities: MixedList<ClassType | string | EntitySchema>;
  migrations: MixedList<ClassType | string>;
  /** PostgreSQL settings for every connection of the service's pool (e.g. `plan_cache_mode`). */
  sessionSettings?: Record<string, string>;
}

let metricsStarted = false;

/** The outbox relay's lifecycle: start after boot, drain on shutdown. */
class OutboxRelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}
  onApplicationBootstrap() {
    if (this.config.OUTBOX_RELAY_ENABLED) this.relay.start();
  }
  async onApplicationShutdown() {
    await this.relay.stop();
  }
}

class NatsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(NATS) private readonly nats: NatsHandles) {}
  async onApplicationShutdown() {
    await this.nats.nc.drain().catch(() => undefined);
  }
}

/**
 * What every service shares: validated config, pino logger, TypeORM on its own schema with
 * migrations, a NATS/JetStream connection, the transactional outbox and relay, health and metrics.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot<C extends ServiceConfig>(options: CoreModuleOptions<C>): DynamicModule {
    // Config is read lazily: bootstrapService validates it first and exits with a clear message.
    const config = () => loadConfig(options.config);
    if (!metricsStarted) {
      collectDefaultMetrics({ labels: { service: options.name } });
      metricsStarted = true;
    }
    const providers: Provider[] = [
      { provide: SERVICE_CONFIG, useFactory: config },
      { provide: options.config, useExisting: SERVICE_CONFIG },
      { provide: LOGGER, useFactory: () => createLogger(options.name, config().LOG_LEVEL) },
      { provide: SERVICE_NAME, useValue: options.name },
      {
        provide: NATS,
        useFactory: async (logger: Logger) => {
          const c = config();
          const handles = await connectNats(c.NATS_URL, `${options.name}-${process.pid}`, natsIdentity(c), logger);
          await ensureEventsStream(handles.jsm);
          return handles;
        },
        inject: [LOGGER],
      },
      {
        provide: Outbox,
        useFactory: (relay: OutboxRelay) => {
          const outbox = new Outbox();
          outbox.attachRelay(relay);
          return outbox;
        },
        inject: [OutboxRelay],
      },
      {
        provide: OutboxRelay,
        useFactory: (ds: DataSource, nats: NatsHandles, logger: Logger) => new OutboxRelay(ds, nats.js, options.name, logger),
        inject: [DataSource, NATS, LOGGER],
      },
      OutboxRelayLifecycle,
      EventConsumers,
      NatsLifecycle,
      { provide: APP_INTERCEPTOR, useClass: RpcInterceptor },
    ];
    return {
      module: CoreModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () =>
            serviceDataSourceOptions({
              url: config().DATABASE_URL,
              schema: options.name,
              entities: options.entities,
              migrations: options.migrations,
              poolSize: config().DATABASE_POOL_SIZE,
              migrationsRun: config().MIGRATIONS_RUN,
              applicationName: `agentry-${options.name}`,
              sessionSettings: options.sessionSettings,
            }),
          dataSourceFactory: async (opts) => {
            await ensureDatabaseAndSchema(config().DATABASE_URL, options.name);
            return new DataSource(opts!).initialize();
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers,
      exports: [SERVICE_CONFIG, options.config, LOGGER, SERVICE_NAME, NATS, Outbox, OutboxRelay, EventConsumers],
    };
  }
}

export type { Logger };
