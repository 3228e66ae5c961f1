import { CoreModule } from '@agentry/common';
import { Module } from '@nestjs/common';
import { SchedulesConfig } from './config/schedules.config';
import { migrations } from './database/migrations';
import { ScheduleFireEntity } from './schedules/schedule-fire.entity';
import { ScheduleEntity } from './schedules/schedule.entity';
import { SchedulesModule } from './schedules/schedules.module';

@Module({
  imports: [
    CoreModule.forRoot({ name: 'schedules', config: SchedulesConfig, entities: [ScheduleEntity, ScheduleFireEntity], migrations }),
    SchedulesModule,
  ],
})
export class AppModule {}
