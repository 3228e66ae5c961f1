import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadConfig } from './config/load-config';
import { ServiceConfig } from './config/service.config';
import { createLogger, PinoNestLogger } from './logging/logger';
import { RpcServerNats } from './rpc/rpc-server-nats';
import { natsIdentity } from './nats/nats';
import { cacheValidationMetadata } from './validation-metadata-cache';

export interface BootstrapOptions<C extends ServiceConfig> {
  name: string;
  module: Type<unknown>;
  config: new () => C;
  /** The gateway has no NATS handlers of its own. */
  rpc?: boolean;
  /** Last touches on the app before it listens (the gateway: Swagger, filters). */
  configure?: (app: NestFastifyApplication, config: C) => void | Promise<void>;
  fastify?: (config: C) => ConstructorParameters<typeof FastifyAdapter>[0];
  /** false: Nest registers no body parsers (the gateway keeps Fastify's JSON parser only). */
  bodyParser?: boolean;
}

/** validate config → create app → connect NATS → listen. A bad config ends the process with one message. */
export async function bootstrapService<C extends ServiceConfig>(options: BootstrapOptions<C>): Promise<INestApplication> {
  let config: C;
  try {
    config = loadConfig(options.config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`[${options.name}] ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(options.name, config.LOG_LEVEL);
  cacheValidationMetadata();
  const app = await NestFactory.create<NestFastifyApplication>(options.module, new FastifyAdapter(options.fastify?.(config)), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    bodyParser: options.bodyParser ?? true,
  });
  if (options.rpc !== false) {
    app.connectMicroservice<MicroserviceOptions>(
      {
        strategy: new RpcServerNats(
          {
            servers: config.NATS_URL.split(','),
            ...natsIdentity(config),
            queue: options.name,
            maxReconnectAttempts: -1,
            reconnectTimeWait: 250,
          },
          // Answers in hand are due within milliseconds once a service's own drain (beforeApplicationShutdown) is done.
          Math.min(5_000, config.SHUTDOWN_GRACE_MS),
        ),
      },
      { inheritAppConfig: true },
    );
  }
  app.enableShutdownHooks();
  await options.configure?.(app, config);
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, pid: process.pid }, `${options.name} ready`);
  // Tests and the start script read this line to learn the port when PORT=0.
  if (process.send) process.send({ type: 'ready', service: options.name, port });
  return app;
}
