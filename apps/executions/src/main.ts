import 'reflect-metadata';
import { bootstrapService } from '@agentry/common';
import { AppModule } from './app.module';
import { ExecutionsConfig } from './config/executions.config';

void bootstrapService({ name: 'executions', module: AppModule, config: ExecutionsConfig });
