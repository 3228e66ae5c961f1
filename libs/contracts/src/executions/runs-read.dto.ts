import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { ListQuery } from '../pagination';
import { EXECUTION_STATUSES, ExecutionErrorView, ExecutionStatus, TRIGGER_TYPES, TriggerType } from './executions.dto';

/** `GET /v1/executions` and `GET /v1/agents/{id}/executions`: newest first, keyset-paginated. */
export class ListExecutionsQuery extends ListQuery {
  @ApiPropertyOptional({ description: 'Agent id (`agt_…`) or slug', example: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G' })
  @IsString()
  @MaxLength(80)
  @IsOptional()
  agent_id?: string;

  @ApiPropertyOptional({ enum: EXECUTION_STATUSES })
  @IsIn(EXECUTION_STATUSES)
  @IsOptional()
  status?: ExecutionStatus;

  @ApiPropertyOptional({ enum: TRIGGER_TYPES })
  @IsIn(TRIGGER_TYPES)
  @IsOptional()
  trigger_type?: TriggerType;

  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601)', example: '2026-11-01T00:00:00Z' })
  @IsISO8601({ strict: true })
  @IsOptional()
  from?: string;

  @ApiPropertyOptional({ description: 'Created before (ISO 8601)', example: '2026-12-01T00:00:00Z' })
  @IsISO8601({ strict: true })
  @IsOptional()
  to?: string;
}

/** `GET /v1/agents/{id}/executions`: the agent comes from the path. */
export class AgentExecutionsQuery extends OmitType(ListExecutionsQuery, ['agent_id'] as const) {}

/** An execution in a list: everything but the input, the output and the steps (read one for those). */
export class ExecutionSummaryView {
  @ApiProperty({ example: 'exe_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) id: string;
  @ApiProperty({ example: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) agent_id: string;
  @ApiProperty({ example: 3 }) agent_version: number;
  @ApiProperty({ enum: EXECUTION_STATUSES }) status: ExecutionStatus;
  @ApiProperty({ enum: TRIGGER_TYPES }) trigger_type: TriggerType;
  @ApiProperty({ nullable: true, type: String }) trigger_id: string | null;
  @ApiProperty({ type: ExecutionErrorView, nullable: true }) error: ExecutionErrorView | null;
  @ApiProperty({ example: 0 }) tokens_used: number;
  @ApiProperty({ nullable: true, type: Number, example: 42 }) duration_ms: number | null;
  @ApiProperty({ nullable: true, type: String }) summary: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The execution this one retries' }) retry_of: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) started_at: string | null;
  @ApiProperty({ nullable: true, type: String }) finished_at: string | null;
}

/** Addresses one execution (`exe_…`). */
export class ExecutionRef {
  @IsString()
  @MaxLength(80)
  execution: string;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ListExecutionLogsQuery extends ListQuery {
  @ApiPropertyOptional({ enum: LOG_LEVELS, description: 'Only lines of this level' })
  @IsIn(LOG_LEVELS)
  @IsOptional()
  level?: LogLevel;

  @ApiPropertyOptional({ description: 'Only lines of this step', example: 'fetch' })
  @IsString()
  @MaxLength(63)
  @IsOptional()
  step_id?: string;
}

export class ListExecutionLogsMessage extends ListExecutionLogsQuery {
  @IsString()
  @MaxLength(80)
  execution: string;
}

export class ExecutionLogView {
  @ApiProperty({ example: 3, description: 'Position of the line in the run, from 1' }) seq: number;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) at: string;
  @ApiProperty({ enum: LOG_LEVELS }) level: LogLevel;
  @ApiProperty({ nullable: true, type: String, example: 'fetch' }) step_id: string | null;
  @ApiProperty({ example: 'step fetch attempt 1 failed: HTTP 503; retrying in 500 ms' }) message: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) data: Record<string, unknown> | null;
}

/** `executions.retry`: a new run of the same agent with the same input, linked by `retry_of`. */
export class RetryRunMessage extends ExecutionRef {
  @IsString()
  @MaxLength(255)
  @IsOptional()
  idempotency_key?: string;
}
