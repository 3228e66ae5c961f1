import { AgentsRpc, CreateScheduleRequest, DEFAULT_CATCHUP_WINDOW_SECONDS, RpcContext, ScheduleView } from '@agentry/contracts';
import { newId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SchedulerLoop } from '../../firing/scheduler-loop';
import { ServiceRpcClient } from '../../rpc/service-rpc.client';
import { Clock } from '../../timing/clock';
import { validateRule } from '../../timing/schedule-rule';
import { normalizeZone } from '../../timing/zoned-time';
import { ScheduleEntity } from '../schedule.entity';
import { toScheduleView } from '../schedule-views';
import { SchedulesRepository } from '../schedules.repository';

/**
 * Creates a schedule for an agent of the caller's workspace (asked of the agents service: another
 * workspace's agent is a 404). The first due time is the rule's first after now.
 */
@Injectable()
export class CreateScheduleUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: SchedulesRepository,
    private readonly rpc: ServiceRpcClient,
    private readonly loop: SchedulerLoop,
    private readonly clock: Clock,
  ) {}

  async execute(ctx: RpcContext, req: CreateScheduleRequest): Promise<ScheduleView> {
    const now = this.clock.now();
    const timezone = normalizeZone(req.timezone ?? 'UTC');
    const rule = validateRule({ cron: req.cron, interval_seconds: req.interval_seconds, timezone }, now);
    const agent = await this.rpc.call(AgentsRpc.get, { agent: req.agent_id }, ctx);
    const enabled = req.enabled ?? true;
    const schedule = Object.assign(new ScheduleEntity(), {
      id: newId('sch'),
      workspaceId: ctx.workspace_id,
      agentId: agent.id,
      plan: ctx.plan ?? null,
      cron: req.cron?.trim().replace(/\s+/g, ' ') ?? null,
      intervalSeconds: req.interval_seconds ?? null,
      timezone,
      enabled,
      pausedNote: null,
      pausedAt: enabled ? null : now,
      input: req.input ?? {},
      overlapPolicy: req.overlap_policy ?? 'skip',
      catchup: req.catchup ?? 'latest',
      catchupWindowSeconds: req.catchup_window_seconds ?? DEFAULT_CATCHUP_WINDOW_SECONDS,
      agentPaused: agent.status === 'paused',
      agentStatusAt: now,
      nextRunAt: rule.nextAfter(now),
      lastFireId: null,
      lastRunAt: null,
      lastStatus: null,
      lastExecutionId: null,
      totalRuns: 0,
      createdAt: now,
      updatedAt: now,
    });
    await this.ds.transaction((m) => this.repo.insert(m, schedule));
    if (schedule.enabled && !schedule.agentPaused) this.loop.wakeClaim(schedule.nextRunAt);
    return toScheduleView(schedule);
  }
}
