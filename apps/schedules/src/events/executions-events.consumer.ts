import { EVENT_CONSUMERS, EventEnvelope, ExecutionEventData, TERMINAL_STATUSES } from '@agentry/contracts';
import { EventConsumers } from '@agentry/common';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SchedulerLoop } from '../firing/scheduler-loop';
import { ScheduleFiresRepository } from '../schedules/schedule-fires.repository';
import { SchedulesRepository } from '../schedules/schedules.repository';
import { Clock } from '../timing/clock';

/**
 * Keeps each fire's run status (and the schedule's last_status) current from the runs' events, which is
 * what overlap policies read; a run that ends lets a buffered fire of its schedule start.
 */
@Injectable()
export class ExecutionsEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly schedules: SchedulesRepository,
    private readonly fires: ScheduleFiresRepository,
    private readonly loop: SchedulerLoop,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const handle = (event: EventEnvelope<ExecutionEventData>, m: EntityManager) => this.apply(event, m);
    await this.consumers.register(
      EVENT_CONSUMERS.schedulesExecutions,
      Object.fromEntries(EVENT_CONSUMERS.schedulesExecutions.subjects.map((s) => [s, handle])),
    );
  }

  private async apply(event: EventEnvelope<ExecutionEventData>, m: EntityManager): Promise<void | (() => void)> {
    const d = event.data;
    const scheduleId = d.trigger_id;
    if (d.trigger_type !== 'schedule' || !scheduleId) return;
    if ((await this.schedules.lockMany(m, [scheduleId])).length === 0) return; // deleted
    if (!(await this.fires.applyExecutionStatus(m, scheduleId, d.execution_id, d.status, new Date(event.occurred_at)))) {
      // Already applied (an older event, or the run ended), or the run's start is not recorded yet (the
      // reply is on its way, or is retried after a crash): then redeliver until it is. `queued` says
      // nothing the reply does not. Nothing to wait for once the schedule has no pending fire.
      if (d.status === 'queued' || !(await this.fires.hasPending(m, scheduleId))) return;
      if (await this.fires.knowsExecution(m, scheduleId, d.execution_id)) return;
      throw new Error(`run ${d.execution_id} of schedule ${scheduleId} is not recorded yet`);
    }
    await this.schedules.setLastStatus(m, scheduleId, d.execution_id, d.status);
    if (!(TERMINAL_STATUSES as readonly string[]).includes(d.status)) return;
    const promoted = await this.fires.promoteBuffered(m, [scheduleId], this.clock.now());
    return promoted > 0 ? () => this.loop.wakeScan() : undefined;
  }
}
