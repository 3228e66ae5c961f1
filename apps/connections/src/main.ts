import 'reflect-metadata';
import { bootstrapService } from '@agentry/common';
import { AppModule } from './app.module';
import { ConnectionsConfig } from './config/connections.config';

void bootstrapService({ name: 'connections', module: AppModule, config: ConnectionsConfig });
