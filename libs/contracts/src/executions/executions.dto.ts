import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export const EXECUTION_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['succeeded', 'failed', 'cancelled', 'timed_out'];

export const TRIGGER_TYPES = ['api', 'hook', 'schedule', 'retry'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/** Body of `POST /v1/agents/{id}/runs`. */
export class StartRunRequest {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { email: 'ada@example.com' },
    description: "Validated against the agent's input_schema",
  })
  @IsObject()
  @IsOptional()
  input?: Record<string, unknown>;

  @ApiPropertyOptional({ default: false, description: 'true: answer 202 at once; false: wait for the result up to wait_timeout_ms' })
  @IsBoolean()
  @IsOptional()
  async?: boolean;

  @ApiPropertyOptional({ example: 'https://example.com/agentry-callback', description: 'Receives a signed webhook when the run ends' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  @IsOptional()
  callback_url?: string;

  @ApiPropertyOptional({ minimum: 100, maximum: 300_000, default: 30_000 })
  @IsInt()
  @Min(100)
  @Max(300_000)
  @IsOptional()
  wait_timeout_ms?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { crm_id: '42' } })
  @IsObject()
  @IsOptional()
  metadata?: Record<string, unknown>;
}

export class RunTrigger {
  @IsIn(TRIGGER_TYPES)
  type: TriggerType;

  /** Schedule id, hook id, or the execution a retry comes from. */
  @IsString()
  @MaxLength(80)
  @IsOptional()
  id?: string;
}

/** `executions.start`: from the gateway (api, hook), the schedules service, or a retry. */
export class StartRunMessage extends StartRunRequest {
  /** Agent id or slug. */
  @IsString()
  @MaxLength(80)
  agent: string;

  @ValidateNested()
  @Type(() => RunTrigger)
  trigger: RunTrigger;

  /** Starting twice with the same key returns the first execution (schedules use the fire id). */
  @IsString()
  @MaxLength(255)
  @IsOptional()
  idempotency_key?: string;
}

export class ExecutionErrorView {
  @ApiProperty({ example: 'STEP_FAILED' }) code: string;
  @ApiProperty({ example: 'HTTP 500 from https://api.example.com' }) message: string;
  @ApiPropertyOptional({ example: 'fetch' }) step_id?: string;
}

export class StepAttemptView {
  @ApiProperty({ example: 1 }) attempt: number;
  @ApiProperty({ enum: ['succeeded', 'failed'] }) status: string;
  @ApiProperty() started_at: string;
  @ApiProperty({ nullable: true, type: String }) finished_at: string | null;
  @ApiProperty({ nullable: true, type: Number }) duration_ms: number | null;
  @ApiPropertyOptional({ type: ExecutionErrorView }) error?: ExecutionErrorView;
}

export class ExecutionStepView {
  @ApiProperty({ example: 'score' }) step_id: string;
  @ApiProperty({ example: 'transform' }) type: string;
  @ApiProperty({ enum: ['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped', 'cancelled'] }) status: string;
  @ApiProperty({ nullable: true, description: 'The step output', example: { score: 90 } }) output: unknown;
  @ApiProperty({ type: ExecutionErrorView, nullable: true }) error: ExecutionErrorView | null;
  @ApiProperty({ type: [StepAttemptView] }) attempts: StepAttemptView[];
  @ApiProperty({ example: 0 }) tokens_used: number;
  @ApiProperty({ nullable: true, type: String }) started_at: string | null;
  @ApiProperty({ nullable: true, type: String }) finished_at: string | null;
  @ApiProperty({ nullable: true, type: Number }) duration_ms: number | null;
}

export class ExecutionView {
  @ApiProperty({ example: 'exe_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) id: string;
  @ApiProperty({ example: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) agent_id: string;
  @ApiProperty({ example: 3 }) agent_version: number;
  @ApiProperty({ enum: EXECUTION_STATUSES }) status: ExecutionStatus;
  @ApiProperty({ enum: TRIGGER_TYPES }) trigger_type: TriggerType;
  @ApiProperty({ nullable: true, type: String }) trigger_id: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) input: Record<string, unknown>;
  @ApiProperty({ nullable: true, example: { score: 90 } }) output: unknown;
  @ApiProperty({ type: ExecutionErrorView, nullable: true }) error: ExecutionErrorView | null;
  @ApiProperty({ type: [ExecutionStepView] }) steps: ExecutionStepView[];
  @ApiProperty({ example: 0 }) tokens_used: number;
  @ApiProperty({ nullable: true, type: Number, example: 42 }) duration_ms: number | null;
  @ApiProperty({ nullable: true, type: String }) summary: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) callback_url: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The execution this one retries' }) retry_of: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) started_at: string | null;
  @ApiProperty({ nullable: true, type: String }) finished_at: string | null;
}

export class RunAcceptedView {
  @ApiProperty({ example: 'exe_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) execution_id: string;
  @ApiProperty({ enum: EXECUTION_STATUSES, example: 'queued' }) status: ExecutionStatus;
}

/** Reply of `executions.start`: `completed` decides 200 (the execution) or 202 (accepted). */
export interface StartRunResult {
  completed: boolean;
  execution: ExecutionView;
}

/** Data of every `agentry.executions.*` event. */
export class ExecutionEventData {
  @IsString() execution_id: string;
  @IsString() agent_id: string;
  @IsIn(EXECUTION_STATUSES) status: ExecutionStatus;
  @IsIn(TRIGGER_TYPES) trigger_type: TriggerType;
  @IsString() @IsOptional() trigger_id?: string | null;
  @IsString() @IsOptional() callback_url?: string | null;
  @IsString() @IsOptional() summary?: string | null;
  @IsOptional() output?: unknown;
  @IsOptional() error?: { code: string; message: string; step_id?: string } | null;
  @IsInt() @IsOptional() tokens_used?: number;
  @IsInt() @IsOptional() duration_ms?: number | null;
  /** For step_completed and waiting. */
  @IsString() @IsOptional() step_id?: string;
  /** For waiting on an approval step. */
  @IsString() @IsOptional() approval_id?: string;
  @IsInt() @IsOptional() agent_version?: number;
  @IsString() @IsOptional() retry_of?: string | null;
}
