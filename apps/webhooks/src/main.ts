import 'reflect-metadata';
import { bootstrapService } from '@agentry/common';
import { AppModule } from './app.module';
import { WebhooksConfig } from './config/webhooks.config';

void bootstrapService({ name: 'webhooks', module: AppModule, config: WebhooksConfig });
