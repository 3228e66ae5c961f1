import {
  BackfillScheduleMessage,
  CreateScheduleRequest,
  ListScheduleFiresMessage,
  ListSchedulesQuery,
  PauseScheduleMessage,
  PreviewScheduleMessage,
  RunScheduleMessage,
  ScheduleRef,
  SchedulesRpc,
  UpdateScheduleMessage,
} from '@agentry/contracts';
import { Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { BackfillScheduleUseCase } from './backfill-schedule/backfill-schedule.use-case';
import { CreateScheduleUseCase } from './create-schedule/create-schedule.use-case';
import { DeleteScheduleUseCase } from './delete-schedule/delete-schedule.use-case';
import { GetScheduleUseCase } from './get-schedule/get-schedule.use-case';
import { ListFiresUseCase } from './list-fires/list-fires.use-case';
import { ListSchedulesUseCase } from './list-schedules/list-schedules.use-case';
import { PreviewScheduleUseCase } from './preview-schedule/preview-schedule.use-case';
import { RunScheduleNowUseCase } from './run-schedule-now/run-schedule-now.use-case';
import { SetScheduleEnabledUseCase } from './set-schedule-enabled/set-schedule-enabled.use-case';
import { UpdateScheduleUseCase } from './update-schedule/update-schedule.use-case';

/** Serves every subject of SchedulesRpcMap. */
@Controller()
export class SchedulesHandler {
  constructor(
    private readonly createSchedule: CreateScheduleUseCase,
    private readonly getSchedule: GetScheduleUseCase,
    private readonly listSchedules: ListSchedulesUseCase,
    private readonly updateSchedule: UpdateScheduleUseCase,
    private readonly deleteSchedule: DeleteScheduleUseCase,
    private readonly setEnabled: SetScheduleEnabledUseCase,
    private readonly runNow: RunScheduleNowUseCase,
    private readonly backfillSchedule: BackfillScheduleUseCase,
    private readonly previewSchedule: PreviewScheduleUseCase,
    private readonly listFires: ListFiresUseCase,
  ) {}

  @MessagePattern(SchedulesRpc.create)
  create(@Payload(Rpc(CreateScheduleRequest)) { ctx, data }: RpcInput<CreateScheduleRequest>) {
    return this.createSchedule.execute(ctx, data);
  }

  @MessagePattern(SchedulesRpc.get)
  get(@Payload(Rpc(ScheduleRef)) { ctx, data }: RpcInput<ScheduleRef>) {
    return this.getSchedule.execute(ctx, data.schedule);
  }

  @MessagePattern(SchedulesRpc.list)
  list(@Payload(Rpc(ListSchedulesQuery)) { ctx, data }: RpcInput<ListSchedulesQuery>) {
    return this.listSchedules.execute(ctx, data);
  }

  @MessagePattern(SchedulesRpc.update)
  update(@Payload(Rpc(UpdateScheduleMessage)) { ctx, data }: RpcInput<UpdateScheduleMessage>) {
    return this.updateSchedule.execute(ctx, data.schedule, data.patch);
  }

  @MessagePattern(SchedulesRpc.delete)
  delete(@Payload(Rpc(ScheduleRef)) { ctx, data }: RpcInput<ScheduleRef>) {
    return this.deleteSchedule.execute(ctx, data.schedule);
  }

  @MessagePattern(SchedulesRpc.pause)
  pause(@Payload(Rpc(PauseScheduleMessage)) { ctx, data }: RpcInput<PauseScheduleMessage>) {
    return this.setEnabled.execute(ctx, data.schedule, false, data.note);
  }

  @MessagePattern(SchedulesRpc.resume)
  resume(@Payload(Rpc(ScheduleRef)) { ctx, data }: RpcInput<ScheduleRef>) {
    return this.setEnabled.execute(ctx, data.schedule, true);
  }

  @MessagePattern(SchedulesRpc.run)
  run(@Payload(Rpc(RunScheduleMessage)) { ctx, data }: RpcInput<RunScheduleMessage>) {
    return this.runNow.execute(ctx, data);
  }

  @MessagePattern(SchedulesRpc.backfill)
  backfill(@Payload(Rpc(BackfillScheduleMessage)) { ctx, data }: RpcInput<BackfillScheduleMessage>) {
    return this.backfillSchedule.execute(ctx, data);
  }

  @MessagePattern(SchedulesRpc.preview)
  preview(@Payload(Rpc(PreviewScheduleMessage)) { ctx, data }: RpcInput<PreviewScheduleMessage>) {
    return this.previewSchedule.execute(ctx, data);
  }

  @MessagePattern(SchedulesRpc.fires)
  fires(@Payload(Rpc(ListScheduleFiresMessage)) { ctx, data }: RpcInput<ListScheduleFiresMessage>) {
    return this.listFires.execute(ctx, data);
  }
}
