import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ListQuery } from '../pagination';

/** The public event types an endpoint can subscribe to (SPEC §3). `*` subscribes to all of them. */
export const WEBHOOK_EVENT_TYPES = [
  'agent.execution.success',
  'agent.execution.failed',
  'agent.execution.waiting',
  'agent.execution.cancelled',
  'schedule.fired',
  'integration.disconnected',
  'webhook.endpoint.disabled',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export const WEBHOOK_EVENT_FILTERS = ['*', ...WEBHOOK_EVENT_TYPES] as const;

export const ENDPOINT_STATUSES = ['enabled', 'disabled'] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** `whsec_` + base64 of 24–64 random bytes (Standard Webhooks). */
export const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;
const AGENT_ID_PATTERN = /^agt_[0-9A-HJKMNP-TV-Z]{26}$/;
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true };
const URL_MESSAGE = 'must be an http(s) URL';

export class CreateWebhookEndpointRequest {
  @ApiProperty({
    maxLength: 2048,
    example: 'https://example.com/hooks/agentry',
    description: 'Where deliveries are POSTed. Private, loopback and link-local addresses are refused unless the operator allows them.',
  })
  @IsString()
  @MaxLength(2048)
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  url: string;

  @ApiProperty({
    type: [String],
    enum: WEBHOOK_EVENT_FILTERS,
    minItems: 1,
    example: ['agent.execution.success', 'agent.execution.failed'],
    description: 'Event types to receive; `["*"]` for all of them.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_FILTERS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_FILTERS, { each: true })
  event_types: string[];

  @ApiPropertyOptional({ maxLength: 500, example: 'CRM sync' })
  @IsString()
  @MaxLength(500)
  @IsOptional()
  description?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 100,
    example: ['agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G'],
    description: 'Only events of these agents (execution and schedule events); all agents when omitted or empty.',
  })
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(AGENT_ID_PATTERN, { each: true, message: 'each value must be an agent id (agt_…)' })
  @IsOptional()
  agent_ids?: string[];

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 10_000,
    example: 50,
    description: 'At most this many delivery attempts per second to this endpoint (per webhooks replica); unlimited when omitted.',
  })
  @IsInt()
  @Min(1)
  @Max(10_000)
  @IsOptional()
  rate_limit_per_second?: number;

  @ApiPropertyOptional({
    pattern: WEBHOOK_SECRET_PATTERN.source,
    description: 'Bring your own signing secret (`whsec_` + base64 of 24–64 bytes); one is generated when omitted.',
  })
  @IsString()
  @Matches(WEBHOOK_SECRET_PATTERN, { message: 'must be whsec_ followed by base64 of 24 to 64 bytes' })
  @IsOptional()
  secret?: string;
}

/** PATCH body: absent fields are kept; `description` and `rate_limit_per_second` accept null to clear them. */
export class UpdateWebhookEndpointRequest {
  @ApiPropertyOptional({ maxLength: 2048, example: 'https://example.com/hooks/agentry-v2' })
  @ValidateIf((o: UpdateWebhookEndpointRequest) => o.url !== undefined)
  @IsString()
  @MaxLength(2048)
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  url?: string;

  @ApiPropertyOptional({ type: [String], enum: WEBHOOK_EVENT_FILTERS, minItems: 1, example: ['*'] })
  @ValidateIf((o: UpdateWebhookEndpointRequest) => o.event_types !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_FILTERS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_FILTERS, { each: true })
  event_types?: string[];

  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String })
  @IsString()
  @MaxLength(500)
  @IsOptional()
  description?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: 100, description: 'Empty: all agents.' })
  @ValidateIf((o: UpdateWebhookEndpointRequest) => o.agent_ids !== undefined)
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(AGENT_ID_PATTERN, { each: true, message: 'each value must be an agent id (agt_…)' })
  agent_ids?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, nullable: true, type: Number, description: 'null removes the limit.' })
  @IsInt()
  @Min(1)
  @Max(10_000)
  @IsOptional()
  rate_limit_per_second?: number | null;

  @ApiPropertyOptional({
    enum: ENDPOINT_STATUSES,
    description:
      'Disable or enable the endpoint. Disabling fails its pending deliveries (recover them later) and emits `webhook.endpoint.disabled`; enabling clears the failure streak.',
  })
  @ValidateIf((o: UpdateWebhookEndpointRequest) => o.status !== undefined)
  @IsIn(ENDPOINT_STATUSES)
  status?: EndpointStatus;

  @ApiPropertyOptional({
    maxLength: 500,
    example: 'Receiver is being migrated',
    description: 'Why it is disabled; only with `status: "disabled"`.',
  })
  @ValidateIf((o: UpdateWebhookEndpointRequest) => o.disabled_reason !== undefined)
  @IsString()
  @MaxLength(500)
  disabled_reason?: string;
}

export class ListWebhookEndpointsQuery extends ListQuery {
  @ApiPropertyOptional({ enum: ENDPOINT_STATUSES })
  @IsIn(ENDPOINT_STATUSES)
  @IsOptional()
  status?: EndpointStatus;
}

export class RotateWebhookSecretRequest {
  @ApiPropertyOptional({
    pattern: WEBHOOK_SECRET_PATTERN.source,
    description: 'The new secret; generated when omitted.',
  })
  @IsString()
  @Matches(WEBHOOK_SECRET_PATTERN, { message: 'must be whsec_ followed by base64 of 24 to 64 bytes' })
  @IsOptional()
  secret?: string;
}

export class TestWebhookEndpointRequest {
  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, default: 'agent.execution.success', description: 'Type of the example event.' })
  @IsIn(WEBHOOK_EVENT_TYPES)
  @IsOptional()
  event_type?: WebhookEventType;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Fields merged over the example payload (`event`, `id`, `workspace_id` and `timestamp` are kept). The whole payload may be at most 256 KiB.',
    example: { summary: 'Hello from Agentry' },
  })
  @IsObject()
  @IsOptional()
  data?: Record<string, unknown>;
}

export class RecoverWebhookEndpointRequest {
  @ApiProperty({
    example: '2026-11-22T00:00:00Z',
    description: 'Re-send every failed delivery of this endpoint created at or after this time.',
  })
  @IsDateString({ strict: true })
  since: string;

  @ApiPropertyOptional({ example: '2026-11-23T00:00:00Z', description: 'Only deliveries created before this time; now when omitted.' })
  @IsDateString({ strict: true })
  @IsOptional()
  until?: string;
}

export class ListDeliveriesQuery extends ListQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsIn(DELIVERY_STATUSES)
  @IsOptional()
  status?: DeliveryStatus;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES })
  @IsIn(WEBHOOK_EVENT_TYPES)
  @IsOptional()
  event_type?: WebhookEventType;
}

/** Addresses an endpoint (`whe_…`). */
export class WebhookEndpointRef {
  @IsString()
  @MaxLength(80)
  endpoint: string;
}

/** Addresses a delivery (`del_…`). */
export class DeliveryRef {
  @IsString()
  @MaxLength(80)
  delivery: string;
}

export class UpdateWebhookEndpointMessage extends WebhookEndpointRef {
  @ValidateNested()
  @Type(() => UpdateWebhookEndpointRequest)
  patch: UpdateWebhookEndpointRequest;
}

export class RotateWebhookSecretMessage extends RotateWebhookSecretRequest {
  @IsString()
  @MaxLength(80)
  endpoint: string;
}

export class TestWebhookEndpointMessage extends TestWebhookEndpointRequest {
  @IsString()
  @MaxLength(80)
  endpoint: string;
}

export class RecoverWebhookEndpointMessage extends RecoverWebhookEndpointRequest {
  @IsString()
  @MaxLength(80)
  endpoint: string;
}

export class ListEndpointDeliveriesMessage extends ListDeliveriesQuery {
  @IsString()
  @MaxLength(80)
  endpoint: string;
}
