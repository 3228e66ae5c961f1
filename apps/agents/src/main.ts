import 'reflect-metadata';
import { bootstrapService } from '@agentry/common';
import { AppModule } from './app.module';
import { AgentsConfig } from './config/agents.config';

void bootstrapService({ name: 'agents', module: AppModule, config: AgentsConfig });
