import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
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
  ValidateNested,
} from 'class-validator';
import { ListQuery } from '../pagination';
import { AgentDefinitionDto, AgentLlmDefaultsDto } from './agent-definition.dto';

export const AGENT_STATUSES = ['active', 'paused'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export class CreateAgentRequest {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Lead qualifier' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    pattern: SLUG_PATTERN.source,
    maxLength: 80,
    example: 'lead-qualifier',
    description: 'Unique in the workspace; derived from the name when omitted.',
  })
  @IsString()
  @MaxLength(80)
  @Matches(SLUG_PATTERN, { message: 'must be lower-case words joined by hyphens' })
  @IsOptional()
  slug?: string;

  @ApiPropertyOptional({ maxLength: 2000, example: 'Scores inbound leads' })
  @IsString()
  @MaxLength(2000)
  @IsOptional()
  description?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 20, example: ['sales'] })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  @IsOptional()
  tags?: string[];

  @ApiProperty({ type: AgentDefinitionDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AgentDefinitionDto)
  definition: AgentDefinitionDto;

  @ApiPropertyOptional({ type: AgentLlmDefaultsDto })
  @ValidateNested()
  @Type(() => AgentLlmDefaultsDto)
  @IsOptional()
  llm?: AgentLlmDefaultsDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 10 })
  @IsInt()
  @Min(1)
  @Max(1000)
  @IsOptional()
  max_concurrency?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Token budget of one run; unlimited when omitted.' })
  @IsInt()
  @Min(1)
  @IsOptional()
  max_tokens_per_run?: number;
}

/** PATCH body: every field of CreateAgentRequest, optional. A changed `definition` creates a new version. */
export class UpdateAgentRequest extends PartialType(CreateAgentRequest) {}

export class ListAgentsQuery extends ListQuery {
  @ApiPropertyOptional({ enum: AGENT_STATUSES })
  @IsIn(AGENT_STATUSES)
  @IsOptional()
  status?: AgentStatus;

  @ApiPropertyOptional({ example: 'sales' })
  @IsString()
  @MaxLength(50)
  @IsOptional()
  tag?: string;

  @ApiPropertyOptional({ description: 'Search in name, slug and description', example: 'lead' })
  @IsString()
  @MaxLength(200)
  @IsOptional()
  q?: string;
}

/** Addresses an agent by `agt_…` id or by slug. */
export class AgentRef {
  @IsString()
  @MaxLength(80)
  agent: string;
}

/** `agents.versions`: an agent and a page of its versions, newest first. */
export class AgentVersionsQuery extends ListQuery {
  @IsString()
  @MaxLength(80)
  agent: string;
}

export class UpdateAgentMessage extends AgentRef {
  @ValidateNested()
  @Type(() => UpdateAgentRequest)
  patch: UpdateAgentRequest;
}

/** Body of `POST /v1/agent-templates/{id}/use`: name (default: the template name), slug, and LLM defaults merged over the template's. */
export class UseTemplateRequest extends PartialType(PickType(CreateAgentRequest, ['name', 'slug', 'llm'] as const)) {}

export class UseTemplateMessage extends UseTemplateRequest {
  @IsString()
  @MaxLength(80)
  template_id: string;
}

export class AgentView {
  @ApiProperty({ example: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) id: string;
  @ApiProperty({ example: 'lead-qualifier' }) slug: string;
  @ApiProperty({ example: 'Lead qualifier' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: 'Scores inbound leads' }) description: string | null;
  @ApiProperty({ type: [String], example: ['sales'] }) tags: string[];
  @ApiProperty({ enum: AGENT_STATUSES }) status: AgentStatus;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ type: AgentDefinitionDto }) definition: AgentDefinitionDto;
  @ApiProperty({ type: AgentLlmDefaultsDto, nullable: true }) llm: AgentLlmDefaultsDto | null;
  @ApiProperty({ example: 10 }) max_concurrency: number;
  @ApiProperty({ nullable: true, type: Number }) max_tokens_per_run: number | null;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) updated_at: string;
}

export class AgentVersionView {
  @ApiProperty() agent_id: string;
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ type: AgentDefinitionDto }) definition: AgentDefinitionDto;
  @ApiProperty() created_at: string;
}

export class AgentTemplateView {
  @ApiProperty({ example: 'lead-qualification' }) id: string;
  @ApiProperty({ example: 'Lead qualification' }) name: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiPropertyOptional({ type: AgentLlmDefaultsDto, description: 'LLM defaults the new agent starts with.' }) llm?: AgentLlmDefaultsDto;
  @ApiProperty({ type: AgentDefinitionDto }) definition: AgentDefinitionDto;
}

/**
 * Data of `agentry.agents.created|updated|deleted`. Created and updated carry the agent's state
 * (event-carried state transfer), so consumers such as executions keep a local read model and
 * start runs without asking the agents service.
 */
export class AgentEventData {
  @IsString() agent_id: string;
  @IsString() slug: string;
  @IsInt() version: number;
  @IsIn(AGENT_STATUSES) status: AgentStatus;
  @IsString() @IsOptional() name?: string;
  @IsOptional() definition?: AgentDefinitionDto;
  @IsOptional() llm?: AgentLlmDefaultsDto | null;
  @IsInt() @IsOptional() max_concurrency?: number;
  @IsInt() @IsOptional() max_tokens_per_run?: number | null;
}
