import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';

export const STATS_GROUPS = ['day', 'week', 'month'] as const;
export type StatsGroup = (typeof STATS_GROUPS)[number];

export class AgentStatsQuery {
  @ApiPropertyOptional({ description: 'Start (ISO 8601); default: 30 days before `to`', example: '2026-11-01T00:00:00Z' })
  @IsISO8601({ strict: true })
  @IsOptional()
  from?: string;

  @ApiPropertyOptional({ description: 'End, exclusive (ISO 8601); default: now', example: '2026-12-01T00:00:00Z' })
  @IsISO8601({ strict: true })
  @IsOptional()
  to?: string;

  @ApiPropertyOptional({ enum: STATS_GROUPS, default: 'day' })
  @IsIn(STATS_GROUPS)
  @IsOptional()
  group_by?: StatsGroup;

  @ApiPropertyOptional({ description: 'IANA time zone the buckets start in', default: 'UTC', example: 'Europe/Lisbon' })
  @IsString()
  @MaxLength(64)
  @IsOptional()
  timezone?: string;
}

export class AgentStatsMessage extends AgentStatsQuery {
  @IsString()
  @MaxLength(80)
  agent: string;
}

export class StatsErrorView {
  @ApiProperty({ example: 'exe_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) execution_id: string;
  @ApiProperty({ example: 'STEP_FAILED' }) code: string;
  @ApiProperty({ example: 'HTTP 500 from https://api.example.com' }) message: string;
  @ApiPropertyOptional({ example: 'fetch' }) step_id?: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) at: string;
}

export class StatsFiguresView {
  @ApiProperty({ example: 120, description: 'Runs created in the period' }) executions: number;
  @ApiProperty({ example: 110 }) succeeded: number;
  @ApiProperty({ example: 8, description: 'Failed or timed out' }) failed: number;
  @ApiProperty({ example: 2 }) cancelled: number;
  @ApiProperty({ nullable: true, type: Number, example: 0.932, description: 'succeeded / finished runs; null when none finished' })
  success_rate: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 41 }) p50_duration_ms: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 230 }) p95_duration_ms: number | null;
  @ApiProperty({ example: 0 }) tokens_used: number;
}

export class StatsBucketView extends StatsFiguresView {
  @ApiProperty({ example: '2026-11-23T00:00:00.000Z', description: 'Start of the bucket (midnight in `timezone`, as UTC)' }) start: string;
}

export class AgentStatsView {
  @ApiProperty({ example: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) agent_id: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ enum: STATS_GROUPS }) group_by: StatsGroup;
  @ApiProperty({ example: 'UTC' }) timezone: string;
  @ApiProperty({ type: StatsFiguresView }) totals: StatsFiguresView;
  @ApiProperty({ type: [StatsBucketView], description: 'Buckets with at least one run, oldest first' }) buckets: StatsBucketView[];
  @ApiProperty({ type: StatsErrorView, nullable: true, description: 'The most recent failure in the period' })
  last_error: StatsErrorView | null;
}
