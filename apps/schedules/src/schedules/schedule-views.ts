import { ScheduleFireView, ScheduleView } from '@agentry/contracts';
import { ScheduleFireEntity } from './schedule-fire.entity';
import { ScheduleEntity } from './schedule.entity';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toScheduleView(s: ScheduleEntity): ScheduleView {
  return {
    id: s.id,
    agent_id: s.agentId,
    cron: s.cron,
    interval_seconds: s.intervalSeconds,
    timezone: s.timezone,
    enabled: s.enabled,
    paused_note: s.pausedNote,
    paused_at: iso(s.pausedAt),
    agent_paused: s.agentPaused,
    input: s.input,
    overlap_policy: s.overlapPolicy,
    catchup: s.catchup,
    catchup_window_seconds: s.catchupWindowSeconds,
    // it does not fire while paused; the stored time is recomputed on resume
    next_run_at: s.enabled && !s.agentPaused ? iso(s.nextRunAt) : null,
    last_run_at: iso(s.lastRunAt),
    last_status: s.lastStatus,
    last_execution_id: s.lastExecutionId,
    total_runs: s.totalRuns,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

export function toFireView(f: ScheduleFireEntity): ScheduleFireView {
  return {
    id: f.id,
    schedule_id: f.scheduleId,
    agent_id: f.agentId,
    due_at: f.dueAt.toISOString(),
    trigger: f.trigger,
    state: f.state,
    execution_id: f.executionId,
    execution_status: f.executionStatus,
    attempts: f.attempts,
    error: f.error,
    created_at: f.createdAt.toISOString(),
    started_at: iso(f.startedAt),
  };
}
