import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsEventsConsumer } from '../events/agents-events.consumer';
import { ExecutionsEventsConsumer } from '../events/executions-events.consumer';
import { ExecutionsStarter } from '../firing/executions-starter';
import { FireDueSchedules } from '../firing/fire-due-schedules';
import { RunStarter } from '../firing/run-starter';
import { SchedulerLoop } from '../firing/scheduler-loop';
import { FireHousekeepingRepository } from '../housekeeping/fire-housekeeping.repository';
import { HousekeepingLoop } from '../housekeeping/housekeeping-loop';
import { PruneFires } from '../housekeeping/prune-fires';
import { ReconcileFires } from '../housekeeping/reconcile-fires';
import { RecordRunStatuses } from '../housekeeping/record-run-statuses';
import { ServiceRpcClient } from '../rpc/service-rpc.client';
import { Clock, SystemClock } from '../timing/clock';
import { BackfillScheduleUseCase } from './backfill-schedule/backfill-schedule.use-case';
import { CreateScheduleUseCase } from './create-schedule/create-schedule.use-case';
import { DeleteScheduleUseCase } from './delete-schedule/delete-schedule.use-case';
import { GetScheduleUseCase } from './get-schedule/get-schedule.use-case';
import { ListFiresUseCase } from './list-fires/list-fires.use-case';
import { ListSchedulesUseCase } from './list-schedules/list-schedules.use-case';
import { PreviewScheduleUseCase } from './preview-schedule/preview-schedule.use-case';
import { RunScheduleNowUseCase } from './run-schedule-now/run-schedule-now.use-case';
import { ScheduleFireEntity } from './schedule-fire.entity';
import { ScheduleFiresRepository } from './schedule-fires.repository';
import { ScheduleEntity } from './schedule.entity';
import { SchedulesHandler } from './schedules.handler';
import { SchedulesRepository } from './schedules.repository';
import { SetScheduleEnabledUseCase } from './set-schedule-enabled/set-schedule-enabled.use-case';
import { UpdateScheduleUseCase } from './update-schedule/update-schedule.use-case';

@Module({
  imports: [TypeOrmModule.forFeature([ScheduleEntity, ScheduleFireEntity])],
  controllers: [SchedulesHandler],
  providers: [
    { provide: Clock, useClass: SystemClock },
    ServiceRpcClient,
    SchedulesRepository,
    ScheduleFiresRepository,
    // firing: the claim loop, run starts, and the events that feed them
    ExecutionsStarter,
    RunStarter,
    FireDueSchedules,
    SchedulerLoop,
    AgentsEventsConsumer,
    ExecutionsEventsConsumer,
    // housekeeping: prune fires past retention, reconcile runs whose events were lost
    FireHousekeepingRepository,
    PruneFires,
    RecordRunStatuses,
    ReconcileFires,
    HousekeepingLoop,
    // API
    CreateScheduleUseCase,
    GetScheduleUseCase,
    ListSchedulesUseCase,
    UpdateScheduleUseCase,
    DeleteScheduleUseCase,
    SetScheduleEnabledUseCase,
    RunScheduleNowUseCase,
    BackfillScheduleUseCase,
    PreviewScheduleUseCase,
    ListFiresUseCase,
  ],
})
export class SchedulesModule {}
