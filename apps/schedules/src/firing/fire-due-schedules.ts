import { EventEnvelope, ScheduleFiredEventData, SchedulesEvents } from '@agentry/contracts';
import { LOGGER, newId, Outbox } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { SchedulesConfig } from '../config/schedules.config';
import { FireToStart, NewFire, ScheduleFiresRepository } from '../schedules/schedule-fires.repository';
import { DueSchedule, ScheduleAdvance, SchedulesRepository } from '../schedules/schedules.repository';
import { Clock } from '../timing/clock';
import { overlapDecision, planFires } from '../timing/fire-plan';
import { cachedRuleOf } from '../timing/rule-cache';
import { claimDuration, droppedTotal, firesTotal } from './firing.metrics';
import { RunStarter } from './run-starter';

const RETRY_BROKEN_RULE_MS = 60_000;

interface RoundResult {
  claimed: number;
  toStart: FireToStart[];
  events: number;
}

/**
 * One claim round, the heart of exactly-once: lock due schedules (SKIP LOCKED), and in the same
 * transaction insert their fires (unique per schedule and due time), move next_run_at on, and write
 * the `fired` events to the outbox. Runs are started after commit, under the fire id as idempotency key.
 */
@Injectable()
export class FireDueSchedules {
  constructor(
    private readonly ds: DataSource,
    private readonly schedules: SchedulesRepository,
    private readonly fires: ScheduleFiresRepository,
    private readonly outbox: Outbox,
    private readonly starter: RunStarter,
    private readonly clock: Clock,
    @Inject(SchedulesConfig) private readonly config: SchedulesConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Returns how many schedules it claimed (a full batch means: call again at once). */
  async round(): Promise<number> {
    const end = claimDuration.startTimer();
    const now = this.clock.now();
    const result = await this.ds.transaction((m) => this.claimAndFire(m, now));
    end();
    if (result.events > 0) this.outbox.flush();
    this.starter.enqueue(result.toStart);
    return result.claimed;
  }

  private async claimAndFire(m: EntityManager, now: Date): Promise<RoundResult> {
    const due = await this.schedules.claimDue(m, now, this.config.SCHEDULER_BATCH_SIZE);
    if (due.length === 0) return { claimed: 0, toStart: [], events: 0 };
    const open = await this.fires.openState(
      m,
      due.filter((s) => s.overlapPolicy !== 'allow').map((s) => s.id),
    );
    const leaseUntil = new Date(now.getTime() + this.config.SCHEDULES_START_LEASE_MS);
    const planned: { schedule: DueSchedule; fires: NewFire[]; nextRunAt: Date | null }[] = [];
    for (const s of due) {
      const plan = this.plan(s, now);
      if (!plan) {
        await this.schedules.postpone(m, s.id, new Date(now.getTime() + RETRY_BROKEN_RULE_MS));
        continue;
      }
      if (plan.dropped > 0) droppedTotal.inc();
      const state = open.get(s.id) ?? { running: false, buffered: false };
      const fires = plan.fires.map((p): NewFire => {
        const fireState = overlapDecision(s.overlapPolicy, state);
        return {
          id: newId('sfr'),
          scheduleId: s.id,
          workspaceId: s.workspaceId,
          agentId: s.agentId,
          dueAt: p.dueAt,
          trigger: p.trigger,
          input: s.input,
          attempts: 0,
          plan: s.plan,
          state: fireState,
          nextAttemptAt: fireState === 'pending' ? leaseUntil : null,
        };
      });
      planned.push({ schedule: s, fires, nextRunAt: plan.nextRunAt });
    }
    const inserted = await this.fires.insertMany(
      m,
      planned.flatMap((p) => p.fires),
    );
    const advances: ScheduleAdvance[] = [];
    const events: EventEnvelope<ScheduleFiredEventData>[] = [];
    const toStart: FireToStart[] = [];
    for (const p of planned) {
      const fired = p.fires.filter((f) => inserted.has(f.id));
      const running = fired.filter((f) => f.state === 'pending');
      advances.push({
        id: p.schedule.id,
        nextRunAt: p.nextRunAt,
        lastFireId: running.at(-1)?.id ?? null,
        lastRunAt: running.length ? now : null,
        runs: fired.filter((f) => f.state !== 'skipped').length,
      });
      for (const f of fired) {
        firesTotal.inc({ trigger: f.trigger, state: f.state });
        if (f.state === 'skipped') continue;
        events.push(this.outbox.envelope(SchedulesEvents.fired, f.workspaceId, firedData(f)));
      }
      toStart.push(...running);
    }
    await this.schedules.advance(m, advances);
    await insertOutbox(m, events);
    return { claimed: due.length, toStart, events: events.length };
  }

  private plan(s: DueSchedule, now: Date) {
    try {
      return planFires({
        rule: cachedRuleOf(s),
        nextRunAt: s.nextRunAt!,
        now,
        catchup: s.catchup,
        catchupWindowMs: s.catchupWindowSeconds * 1000,
        graceMs: this.config.SCHEDULES_MISFIRE_GRACE_MS,
        maxFires: this.config.SCHEDULES_MAX_FIRES_PER_CLAIM,
      });
    } catch (err) {
      this.logger.error({ schedule_id: s.id, err: (err as Error).message }, 'schedules: cannot evaluate the rule; retrying in a minute');
      return null;
    }
  }
}

export function firedData(f: NewFire): ScheduleFiredEventData {
  return {
    schedule_id: f.scheduleId,
    fire_id: f.id,
    agent_id: f.agentId,
    due_at: f.dueAt.toISOString(),
    trigger: f.trigger,
    state: f.state,
  };
}

/** The outbox rows of many events in one statement, inside the caller's transaction. */
export async function insertOutbox(m: EntityManager, events: EventEnvelope<ScheduleFiredEventData>[]): Promise<void> {
  if (events.length === 0) return;
  await m.query(`INSERT INTO schedules.outbox (id, subject, payload) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])`, [
    events.map((e) => e.id),
    events.map(() => SchedulesEvents.fired),
    events.map((e) => JSON.stringify(e)),
  ]);
}
