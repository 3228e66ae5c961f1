import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString } from 'class-validator';
import { EXECUTION_STATUSES, ExecutionStatus } from '../executions/executions.dto';
import {
  CATCHUP_POLICIES,
  CatchupPolicy,
  FIRE_STATES,
  FIRE_TRIGGERS,
  FireState,
  FireTrigger,
  OVERLAP_POLICIES,
  OverlapPolicy,
} from './schedules.dto';

/**
 * `last_status` of a schedule: `pending` while its last fire's run is being started, `start_failed`
 * when the run could not be started (see the fire's `error`), otherwise the run's execution status.
 */
export const SCHEDULE_LAST_STATUSES = ['pending', 'start_failed', ...EXECUTION_STATUSES] as const;
export type ScheduleLastStatus = (typeof SCHEDULE_LAST_STATUSES)[number];

export class ScheduleView {
  @ApiProperty({ example: 'sch_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) id: string;
  @ApiProperty({ example: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) agent_id: string;
  @ApiProperty({ nullable: true, type: String, example: '0 6 * * 1-5' }) cron: string | null;
  @ApiProperty({ nullable: true, type: Number, example: null }) interval_seconds: number | null;
  @ApiProperty({ example: 'Asia/Kolkata' }) timezone: string;
  @ApiProperty({ description: 'false while the schedule is paused' }) enabled: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The note given when pausing' }) paused_note: string | null;
  @ApiProperty({ nullable: true, type: String }) paused_at: string | null;
  @ApiProperty({ description: 'true while the agent is paused: the schedule does not fire' }) agent_paused: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { report: 'daily' } }) input: Record<string, unknown>;
  @ApiProperty({ enum: OVERLAP_POLICIES }) overlap_policy: OverlapPolicy;
  @ApiProperty({ enum: CATCHUP_POLICIES }) catchup: CatchupPolicy;
  @ApiProperty({ example: 86400 }) catchup_window_seconds: number;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-11-24T00:30:00.000Z',
    description: 'Next due time (UTC); null while the schedule or its agent is paused',
  })
  next_run_at: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When the last run was fired' }) last_run_at: string | null;
  @ApiProperty({ nullable: true, enum: SCHEDULE_LAST_STATUSES, description: "Status of the last fire's run, kept current from run events" })
  last_status: ScheduleLastStatus | null;
  @ApiProperty({ nullable: true, type: String, example: 'exe_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) last_execution_id: string | null;
  @ApiProperty({ example: 12, description: 'Fires that started (or will start) a run; skipped fires are not counted' })
  total_runs: number;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class FireErrorView {
  @ApiProperty({ example: 'AGENT_PAUSED' }) code: string;
  @ApiProperty({ example: 'Agent agt_… is paused' }) message: string;
}

/** One due time of a schedule and what became of it. */
export class ScheduleFireView {
  @ApiProperty({ example: 'sfr_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) id: string;
  @ApiProperty() schedule_id: string;
  @ApiProperty() agent_id: string;
  @ApiProperty({ example: '2026-11-24T00:30:00.000Z', description: 'The due time this fire is for (manual runs: when asked)' })
  due_at: string;
  @ApiProperty({ enum: FIRE_TRIGGERS, description: '`catchup`: a fire missed while the scheduler was down' }) trigger: FireTrigger;
  @ApiProperty({
    enum: FIRE_STATES,
    description:
      '`pending`: its run is being started (retried until it is); `buffered`: waits for the running one (overlap `queue`); `started`; `skipped` (overlap); `failed`: the run could not be started',
  })
  state: FireState;
  @ApiProperty({ nullable: true, type: String }) execution_id: string | null;
  @ApiProperty({ nullable: true, enum: EXECUTION_STATUSES }) execution_status: ExecutionStatus | null;
  @ApiProperty({ example: 1, description: 'Attempts to start the run' }) attempts: number;
  @ApiProperty({ type: FireErrorView, nullable: true }) error: FireErrorView | null;
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) started_at: string | null;
}

export class PreviewTimeView {
  @ApiProperty({ example: '2026-03-08T07:30:00.000Z', description: 'UTC' }) at: string;
  @ApiProperty({ example: '2026-03-08T03:30:00-04:00', description: "The same instant in the schedule's zone, with its offset" })
  local: string;
}

export class SchedulePreviewView {
  @ApiProperty() schedule_id: string;
  @ApiProperty({ example: 'America/New_York' }) timezone: string;
  @ApiProperty({ type: [PreviewTimeView] }) data: PreviewTimeView[];
}

export class BackfillResultView {
  @ApiProperty() schedule_id: string;
  @ApiProperty({ description: 'Fires created now; each starts a run' }) created: number;
  @ApiProperty({ description: 'Due times in the window that already had a fire (not run again)' }) existing: number;
  @ApiProperty({ type: [ScheduleFireView] }) data: ScheduleFireView[];
}

/** Data of `agentry.schedules.fired`: a due time became a run to start (or a buffered one). */
export class ScheduleFiredEventData {
  @IsString() schedule_id: string;
  @IsString() fire_id: string;
  @IsString() agent_id: string;
  /** ISO 8601 UTC. */
  @IsString() due_at: string;
  @IsIn(FIRE_TRIGGERS) trigger: FireTrigger;
  /** `pending` (starting now) or `buffered` (starts when the running one ends). */
  @IsIn(FIRE_STATES) state: FireState;
}
