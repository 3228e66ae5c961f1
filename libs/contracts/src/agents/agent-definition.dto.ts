import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export const STEP_TYPES = ['transform', 'http', 'llm', 'agent', 'tool', 'approval', 'delay', 'stop'] as const;
export type StepType = (typeof STEP_TYPES)[number];

export class StepRetryDto {
  @ApiProperty({ minimum: 1, maximum: 20, example: 3 })
  @IsInt()
  @Min(1)
  @Max(20)
  max_attempts: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 3_600_000, example: 500, default: 1000 })
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  @IsOptional()
  backoff_ms?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, example: 2, default: 2 })
  @IsNumber()
  @Min(1)
  @Max(10)
  @IsOptional()
  factor?: number;
}

export class StepDto {
  @ApiProperty({ pattern: '^[a-z][a-z0-9_]{0,62}$', example: 'score' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,62}$/, { message: 'must be lower-case letters, digits or _, starting with a letter' })
  id: string;

  @ApiProperty({ enum: STEP_TYPES, example: 'transform' })
  @IsIn(STEP_TYPES)
  type: StepType;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Step parameters; strings of the form `{{ expr }}` are JSONata expressions.',
    example: { expression: '{ "score": input.employees > 100 ? 90 : 40 }' },
  })
  @IsObject()
  with: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'JSONata; a false value skips the step.', example: 'input.email != null' })
  @IsString()
  @MaxLength(10_000)
  @IsOptional()
  if?: string;

  @ApiPropertyOptional({ type: StepRetryDto })
  @ValidateNested()
  @Type(() => StepRetryDto)
  @IsOptional()
  retry?: StepRetryDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 86_400_000, example: 30000 })
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  @IsOptional()
  timeout_ms?: number;

  @ApiPropertyOptional({ enum: ['fail', 'continue'], default: 'fail' })
  @IsIn(['fail', 'continue'])
  @IsOptional()
  on_error?: 'fail' | 'continue';
}

export class AgentDefinitionDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema (draft 2020-12 or 07) that run inputs are validated against.',
    example: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
  })
  @IsObject()
  @IsOptional()
  input_schema?: Record<string, unknown>;

  @ApiProperty({ type: [StepDto], maxItems: 100 })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => StepDto)
  steps: StepDto[];

  @ApiPropertyOptional({
    description: 'JSONata expression for the run output; default: the last step output.',
    example: 'steps.score.output',
  })
  @IsString()
  @MaxLength(10_000)
  @IsOptional()
  output?: string;
}

export class AgentLlmDefaultsDto {
  @ApiPropertyOptional({ example: 'gpt-4o-mini' })
  @IsString()
  @MaxLength(200)
  @IsOptional()
  model?: string;

  @ApiPropertyOptional({ example: 'con_01JD0000000000000000000000' })
  @IsString()
  @MaxLength(40)
  @IsOptional()
  connection_id?: string;
}
