import { ExecutionsRpc, ExecutionStatus, StartRunMessage } from '@agentry/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { SchedulesConfig } from '../config/schedules.config';
import { ServiceRpcClient } from '../rpc/service-rpc.client';
import { FireToStart } from '../schedules/schedule-fires.repository';

/**
 * Starts the run of a fire: trigger `schedule` with the schedule id, the fire's input, asynchronous,
 * and the fire id as idempotency key, so a retried start (after a timeout or a crash) gets the run
 * the first attempt created.
 */
@Injectable()
export class ExecutionsStarter {
  constructor(
    private readonly rpc: ServiceRpcClient,
    @Inject(SchedulesConfig) private readonly config: SchedulesConfig,
  ) {}

  async start(fire: FireToStart): Promise<{ executionId: string; status: ExecutionStatus }> {
    const message: StartRunMessage = {
      agent: fire.agentId,
      input: fire.input,
      async: true,
      trigger: { type: 'schedule', id: fire.scheduleId },
      idempotency_key: fire.id,
      metadata: {
        schedule_id: fire.scheduleId,
        schedule_fire_id: fire.id,
        scheduled_for: fire.dueAt.toISOString(),
        fire_trigger: fire.trigger,
      },
    };
    const result = await this.rpc.call(
      ExecutionsRpc.start,
      message,
      { workspace_id: fire.workspaceId, request_id: fire.id, plan: fire.plan ?? undefined },
      this.config.SCHEDULES_START_TIMEOUT_MS,
    );
    return { executionId: result.execution.id, status: result.execution.status };
  }
}
