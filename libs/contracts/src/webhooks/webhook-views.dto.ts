import { ApiProperty } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString } from 'class-validator';
import { DELIVERY_STATUSES, DeliveryStatus, ENDPOINT_STATUSES, EndpointStatus, WEBHOOK_EVENT_TYPES } from './webhooks.dto';

const ENDPOINT_EXAMPLE_ID = 'whe_01JD5Z4Q9X7N3B2V1C0M8K6H4G';
const DELIVERY_EXAMPLE_ID = 'del_01JD5Z4Q9X7N3B2V1C0M8K6H4G';
const MESSAGE_EXAMPLE_ID = 'msg_01JD5Z4Q9X7N3B2V1C0M8K6H4G';

export class WebhookEndpointView {
  @ApiProperty({ example: ENDPOINT_EXAMPLE_ID }) id: string;
  @ApiProperty({ example: 'https://example.com/hooks/agentry' }) url: string;
  @ApiProperty({ nullable: true, type: String, example: 'CRM sync' }) description: string | null;
  @ApiProperty({ type: [String], example: ['agent.execution.success'] }) event_types: string[];
  @ApiProperty({ type: [String], example: [], description: 'Empty: every agent.' }) agent_ids: string[];
  @ApiProperty({ enum: ENDPOINT_STATUSES }) status: EndpointStatus;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'Why it was disabled (410 Gone, failing for 5 days, or your reason).',
  })
  disabled_reason: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) disabled_at: string | null;
  @ApiProperty({ nullable: true, type: Number, example: null }) rate_limit_per_second: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'Start of the current run of failed attempts; null after a success.',
  })
  failing_since: string | null;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) updated_at: string;
}

export class WebhookSecretView {
  @ApiProperty({ example: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD' }) secret: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'The secret before the last rotation; it keeps signing beside the new one until `previous_secret_expires_at`.',
  })
  previous_secret: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) previous_secret_expires_at: string | null;
}

/** Returned once on create: the view plus its signing secret. */
export class WebhookEndpointCreatedView extends WebhookEndpointView {
  @ApiProperty({ example: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD', description: 'Signing secret; `GET …/secret` shows it again.' })
  secret: string;
}

export class DeliveryView {
  @ApiProperty({ example: DELIVERY_EXAMPLE_ID }) id: string;
  @ApiProperty({ example: MESSAGE_EXAMPLE_ID, description: 'Sent as `webhook-id`; the same on every attempt.' }) message_id: string;
  @ApiProperty({ nullable: true, type: String, example: ENDPOINT_EXAMPLE_ID, description: 'null for a run callback' }) endpoint_id:
    string | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: "The run's callback_url, for a callback delivery" })
  callback_url: string | null;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) event_type: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty({ example: 1 }) attempt_count: number;
  @ApiProperty({ nullable: true, type: String, description: 'When the next attempt is due (pending only)' }) next_attempt_at: string | null;
  @ApiProperty({ nullable: true, type: String }) last_attempt_at: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 200 }) last_status_code: number | null;
  @ApiProperty({ nullable: true, type: String, example: null }) last_error: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class DeliveryAttemptView {
  @ApiProperty({ example: 1 }) attempt: number;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) started_at: string;
  @ApiProperty({ example: 'https://example.com/hooks/agentry' }) url: string;
  @ApiProperty({ nullable: true, type: Number, example: 200, description: 'null when no response came (timeout, refused, network)' })
  status_code: number | null;
  @ApiProperty({ example: 42 }) latency_ms: number;
  @ApiProperty({ nullable: true, type: String, example: 'ok', description: 'The first 1 KiB of the response body' }) response_excerpt:
    string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) error: string | null;
  @ApiProperty({ enum: ['succeeded', 'failed'] }) outcome: 'succeeded' | 'failed';
}

export class DeliveryDetailView extends DeliveryView {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The message body, exactly as signed and sent' })
  payload: Record<string, unknown>;
  @ApiProperty({ type: [DeliveryAttemptView], description: 'Every attempt, oldest first' }) attempts: DeliveryAttemptView[];
}

export class RecoverResultView {
  @ApiProperty({ example: ENDPOINT_EXAMPLE_ID }) endpoint_id: string;
  @ApiProperty({ example: 12, description: 'Failed deliveries scheduled again' }) recovered: number;
}

export class WebhookEventTypeView {
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) name: string;
  @ApiProperty({ example: 'A run succeeded' }) description: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'An example payload' }) example: Record<string, unknown>;
}

/** Data of `agentry.webhooks.endpoint_disabled`. */
export class WebhookEndpointDisabledEventData {
  @IsString() endpoint_id: string;
  @IsString() url: string;
  @IsIn(['gone', 'failing', 'manual']) cause: 'gone' | 'failing' | 'manual';
  @IsString() reason: string;
  @IsDateString() disabled_at: string;
  @IsString() @IsOptional() failing_since?: string | null;
}
