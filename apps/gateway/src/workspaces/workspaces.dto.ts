import { PLANS, SCOPES, type Plan } from '@agentry/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsDateString, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class CreateWorkspaceRequest {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'acme' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: PLANS, example: 'pro' })
  @IsIn(PLANS)
  plan: Plan;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 1_000_000,
    description: 'Overrides the plan request rate (requests per minute for the whole workspace, every key together).',
  })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  @IsOptional()
  requests_per_minute?: number;
}

export class WorkspaceView {
  @ApiProperty({ example: 'wks_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) id: string;
  @ApiProperty({ example: 'acme' }) name: string;
  @ApiProperty({ enum: PLANS }) plan: Plan;
  @ApiProperty({ example: 6000 }) requests_per_minute: number;
  @ApiProperty() created_at: string;
}

export class CreateApiKeyRequest {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'ci-runner' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['agents:read', 'agents:run'] })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(SCOPES, { each: true })
  scopes: string[];

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z' })
  @IsDateString()
  @IsOptional()
  expires_at?: string;
}

export class ApiKeyView {
  @ApiProperty({ example: 'key_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) id: string;
  @ApiProperty({ example: 'ci-runner' }) name: string;
  @ApiProperty({ example: 'agk_3hT9', description: 'First characters of the key' }) prefix: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes: string[];
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) expires_at: string | null;
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({ example: 'agk_3hT9…', description: 'The key itself, shown only in this response' }) key: string;
}

export class CreatedWorkspaceView {
  @ApiProperty({ type: WorkspaceView }) workspace: WorkspaceView;
  @ApiProperty({ type: CreatedApiKeyView }) api_key: CreatedApiKeyView;
}
