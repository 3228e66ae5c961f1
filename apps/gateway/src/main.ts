import 'reflect-metadata';
import { bootstrapService } from '@agentry/common';
import { AppModule } from './app.module';
import { GatewayConfig } from './config/gateway.config';
import { configureHttp, fastifyOptions } from './http/configure-http';

void bootstrapService({
  name: 'gateway',
  module: AppModule,
  config: GatewayConfig,
  rpc: false,
  // JSON bodies only, parsed by Fastify itself: anything else is a 415
  bodyParser: false,
  fastify: (cfg) => fastifyOptions(cfg),
  configure: (app, cfg) => configureHttp(app, cfg),
});
