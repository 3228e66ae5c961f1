import { ExecutionStatus, TERMINAL_STATUSES } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SchedulerLoop } from '../firing/scheduler-loop';
import { ScheduleFiresRepository } from '../schedules/schedule-fires.repository';
import { SchedulesRepository } from '../schedules/schedules.repository';
import { Clock } from '../timing/clock';

/** A run's status as the executions service reported it. */
export interface ObservedStatus {
  scheduleId: string;
  executionId: string;
  status: ExecutionStatus;
}

const TERMINAL = TERMINAL_STATUSES as readonly string[];

/**
 * Records run statuses learnt by asking (not from events), with the rules the events follow: a terminal
 * status is final, otherwise the newer one wins, `at` being when the question was asked, so an event
 * that happened after it still wins. The schedule's last_status follows its last run, and a run that
 * ended lets a buffered fire of its schedule start, as when the terminal event arrives.
 */
@Injectable()
export class RecordRunStatuses {
  constructor(
    private readonly ds: DataSource,
    private readonly fires: ScheduleFiresRepository,
    private readonly schedules: SchedulesRepository,
    private readonly loop: SchedulerLoop,
    private readonly clock: Clock,
  ) {}

  /** Returns the statuses actually applied (an event may have brought them first). */
  async record(observed: ObservedStatus[], at: Date): Promise<ObservedStatus[]> {
    if (observed.length === 0) return [];
    const { applied, promoted } = await this.ds.transaction(async (m) => {
      // Lock the schedules first, in id order, as every writer of several schedules does.
      const present = new Set(await this.schedules.lockMany(m, [...new Set(observed.map((o) => o.scheduleId))]));
      const applied: ObservedStatus[] = [];
      for (const o of observed) {
        if (!present.has(o.scheduleId)) continue; // deleted meanwhile
        if (!(await this.fires.applyExecutionStatus(m, o.scheduleId, o.executionId, o.status, at))) continue;
        await this.schedules.setLastStatus(m, o.scheduleId, o.executionId, o.status);
        applied.push(o);
      }
      const ended = [...new Set(applied.filter((o) => TERMINAL.includes(o.status)).map((o) => o.scheduleId))];
      return { applied, promoted: await this.fires.promoteBuffered(m, ended, this.clock.now()) };
    });
    if (promoted > 0) this.loop.wakeScan();
    return applied;
  }
}
