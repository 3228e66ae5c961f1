import 'reflect-metadata';
import { bootstrapService } from '@agentry/common';
import { AppModule } from './app.module';
import { SchedulesConfig } from './config/schedules.config';

void bootstrapService({ name: 'schedules', module: AppModule, config: SchedulesConfig });
