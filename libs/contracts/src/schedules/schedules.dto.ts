import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { ListQuery } from '../pagination';

export const OVERLAP_POLICIES = ['skip', 'allow', 'queue'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

export const CATCHUP_POLICIES = ['none', 'latest', 'all'] as const;
export type CatchupPolicy = (typeof CATCHUP_POLICIES)[number];

/** Longest interval: one year. */
export const MAX_INTERVAL_SECONDS = 366 * 24 * 3600;
export const DEFAULT_CATCHUP_WINDOW_SECONDS = 24 * 3600;
export const MAX_CATCHUP_WINDOW_SECONDS = 30 * 24 * 3600;

/** An ISO 8601 instant with an explicit zone (`Z` or `±hh:mm`), so it never depends on a server's zone. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const INSTANT_MESSAGE = 'must be an ISO 8601 date-time with Z or an offset';

/** Whether the runtime's IANA database (ICU) knows the zone; case-insensitive, as ICU is. */
export function isTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name such as `America/New_York`, `Asia/Kolkata` or `UTC`. */
export function IsTimeZone(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName,
      options: { message: 'must be an IANA time zone such as Europe/London', ...options },
      validator: { validate: isTimeZone },
    });
}

/** Query-string booleans arrive as text; RPC payloads as booleans. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class CreateScheduleRequest {
  @ApiProperty({ description: 'The agent to run (`agt_…` id or slug); stored as its id', example: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G' })
  @IsString()
  @MinLength(1)
  @MaxLength(80)
  agent_id: string;

  @ApiPropertyOptional({
    description:
      'Cron expression with 5 fields (minute precision) or 6 (leading seconds field), or an alias (`@yearly`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`). Evaluated in `timezone`. Exactly one of `cron` and `interval_seconds`.',
    example: '0 6 * * 1-5',
    maxLength: 120,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  @IsOptional()
  cron?: string;

  @ApiPropertyOptional({
    description: 'Fire every N seconds (first fire N seconds after creation). Exactly one of `cron` and `interval_seconds`.',
    minimum: 1,
    maximum: MAX_INTERVAL_SECONDS,
    example: 90,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_INTERVAL_SECONDS)
  @IsOptional()
  interval_seconds?: number;

  @ApiPropertyOptional({ description: 'IANA time zone the cron expression is read in', default: 'UTC', example: 'Asia/Kolkata' })
  @IsString()
  @IsTimeZone()
  @IsOptional()
  timezone?: string;

  @ApiPropertyOptional({ default: true, description: 'false creates the schedule paused' })
  @IsBoolean()
  @IsOptional()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    default: {},
    example: { report: 'daily' },
    description: 'Input of every run this schedule starts',
  })
  @IsObject()
  @IsOptional()
  input?: Record<string, unknown>;

  @ApiPropertyOptional({
    enum: OVERLAP_POLICIES,
    default: 'skip',
    description:
      'When a fire comes while the previous run of this schedule is still going: `skip` it, `allow` a parallel run, or `queue` it (at most one waits; it starts when the running one ends, later fires are skipped)',
  })
  @IsIn(OVERLAP_POLICIES)
  @IsOptional()
  overlap_policy?: OverlapPolicy;

  @ApiPropertyOptional({
    enum: CATCHUP_POLICIES,
    default: 'latest',
    description:
      'Fires missed by more than the misfire grace (60 s) while the scheduler was down: `none` drops them, `latest` runs the most recent one, `all` runs each of them (oldest first, within `catchup_window_seconds`)',
  })
  @IsIn(CATCHUP_POLICIES)
  @IsOptional()
  catchup?: CatchupPolicy;

  @ApiPropertyOptional({
    minimum: 60,
    maximum: MAX_CATCHUP_WINDOW_SECONDS,
    default: DEFAULT_CATCHUP_WINDOW_SECONDS,
    description: 'Missed fires older than this are never caught up',
  })
  @IsInt()
  @Min(60)
  @Max(MAX_CATCHUP_WINDOW_SECONDS)
  @IsOptional()
  catchup_window_seconds?: number;
}

/**
 * PATCH body: every field but `agent_id`, optional. Setting `cron` replaces `interval_seconds` and
 * the reverse; a changed rule or zone recomputes `next_run_at` from now.
 */
export class UpdateScheduleRequest extends PartialType(OmitType(CreateScheduleRequest, ['agent_id'] as const)) {}

export class ListSchedulesQuery extends ListQuery {
  @ApiPropertyOptional({ description: 'Only the schedules of this agent (`agt_…` id)', example: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G' })
  @IsString()
  @MaxLength(80)
  @IsOptional()
  agent_id?: string;

  @ApiPropertyOptional({ description: 'Only enabled (true) or paused (false) schedules' })
  @Transform(toBoolean)
  @IsBoolean()
  @IsOptional()
  enabled?: boolean;
}

export class PauseScheduleRequest {
  @ApiPropertyOptional({ maxLength: 500, example: 'Paused during the migration', description: 'Shown on the schedule as `paused_note`' })
  @IsString()
  @MaxLength(500)
  @IsOptional()
  note?: string;
}

export class RunScheduleRequest {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "Input of this run only; the schedule's `input` when omitted",
  })
  @IsObject()
  @IsOptional()
  input?: Record<string, unknown>;
}

export class BackfillScheduleRequest {
  @ApiProperty({ example: '2026-11-20T00:00:00Z', description: 'Start of the past window (inclusive)' })
  @IsString()
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  from: string;

  @ApiProperty({ example: '2026-11-21T00:00:00Z', description: 'End of the past window (inclusive); not in the future' })
  @IsString()
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  to: string;
}

export class PreviewScheduleQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 5 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  @IsOptional()
  count?: number;

  @ApiPropertyOptional({ example: '2026-03-07T00:00:00Z', description: 'Fire times after this instant; default now' })
  @IsString()
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  @IsOptional()
  from?: string;
}

export const FIRE_STATES = ['pending', 'buffered', 'started', 'skipped', 'failed'] as const;
export type FireState = (typeof FIRE_STATES)[number];

export const FIRE_TRIGGERS = ['schedule', 'catchup', 'backfill', 'manual'] as const;
export type FireTrigger = (typeof FIRE_TRIGGERS)[number];

export class ListScheduleFiresQuery extends ListQuery {
  @ApiPropertyOptional({ enum: FIRE_STATES })
  @IsIn(FIRE_STATES)
  @IsOptional()
  state?: FireState;
}

/** Addresses a schedule by its `sch_…` id. */
export class ScheduleRef {
  @IsString()
  @MaxLength(80)
  schedule: string;
}

export class UpdateScheduleMessage extends ScheduleRef {
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateScheduleRequest)
  patch: UpdateScheduleRequest;
}

export class PauseScheduleMessage extends ScheduleRef {
  @IsString()
  @MaxLength(500)
  @IsOptional()
  note?: string;
}

export class RunScheduleMessage extends ScheduleRef {
  @IsObject()
  @IsOptional()
  input?: Record<string, unknown>;
}

export class BackfillScheduleMessage extends ScheduleRef {
  @IsString()
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  from: string;

  @IsString()
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  to: string;
}

export class PreviewScheduleMessage extends ScheduleRef {
  @IsInt()
  @Min(1)
  @Max(100)
  @IsOptional()
  count?: number;

  @IsString()
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  @IsOptional()
  from?: string;
}

export class ListScheduleFiresMessage extends ListScheduleFiresQuery {
  @IsString()
  @MaxLength(80)
  schedule: string;
}
