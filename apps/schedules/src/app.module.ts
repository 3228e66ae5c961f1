import { CoreModule } from '@agentry/common';
import { Module } from '@nestjs/common';
import { SchedulesConfig } from './config/schedules.config';
import { migrations } from './database/migrations';

@Module({
  imports: [CoreModule.forRoot({ name: 'schedules', config: SchedulesConfig, entities: [], migrations })],
})
export class AppModule {}
