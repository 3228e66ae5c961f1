import { PreviewScheduleMessage, RpcContext, SchedulePreviewView } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../timing/clock';
import { cachedRuleOf } from '../../timing/rule-cache';
import { formatInZone } from '../../timing/zoned-time';
import { SchedulesError } from '../schedules.errors';
import { SchedulesRepository } from '../schedules.repository';

const DEFAULT_COUNT = 5;

/** The next fire times after `from` (default now), in UTC and as wall times of the schedule's zone. */
@Injectable()
export class PreviewScheduleUseCase {
  constructor(
    private readonly repo: SchedulesRepository,
    private readonly clock: Clock,
  ) {}

  async execute(ctx: RpcContext, msg: PreviewScheduleMessage): Promise<SchedulePreviewView> {
    const s = await this.repo.find(ctx.workspace_id, msg.schedule);
    if (!s) throw SchedulesError.notFound(msg.schedule);
    const from = msg.from ? new Date(msg.from) : this.clock.now();
    if (Number.isNaN(from.getTime())) throw SchedulesError.invalid('from', 'is not a valid date-time');
    // an interval keeps the grid of its next due time
    const rule = cachedRuleOf({ ...s, nextRunAt: s.nextRunAt ?? this.clock.now() });
    const data: SchedulePreviewView['data'] = [];
    for (let d = rule.nextAfter(from); d && data.length < (msg.count ?? DEFAULT_COUNT); d = rule.nextAfter(d)) {
      data.push({ at: d.toISOString(), local: formatInZone(d, s.timezone) });
    }
    return { schedule_id: s.id, timezone: s.timezone, data };
  }
}
