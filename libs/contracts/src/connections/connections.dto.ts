import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ListQuery } from '../pagination';

export const CONNECTION_STATUSES = ['untested', 'active', 'error', 'expired'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const PLATFORM_AUTH_TYPES = ['bearer', 'basic', 'api_key', 'none'] as const;
export type PlatformAuthType = (typeof PLATFORM_AUTH_TYPES)[number];

export const PLATFORM_ID_PATTERN = /^[a-z][a-z0-9_]{0,49}$/;

const CONFIG_EXAMPLE = { base_url: 'https://api.openai.com/v1', api_key: 'sk-proj-1234567890abcdefa1b2' };
const MASKED_EXAMPLE = { base_url: 'https://api.openai.com/v1', api_key: 'sk-proj-…a1b2' };

export class CreateConnectionRequest {
  @ApiProperty({ example: 'openai', description: 'A platform id from `GET /v1/platforms`' })
  @IsString()
  @Matches(PLATFORM_ID_PATTERN, { message: 'must be a platform id such as openai or slack' })
  platform: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'OpenAI (production)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: CONFIG_EXAMPLE,
    description:
      "Validated against the platform's `config_schema`. Fields marked `x-secret` are encrypted at rest and only ever shown masked.",
  })
  @IsObject()
  config: Record<string, unknown>;

  @ApiPropertyOptional({
    default: false,
    description: 'Test the connection right after saving it, so it comes back `active`, `error` or `expired`',
  })
  @IsBoolean()
  @IsOptional()
  test?: boolean;
}

export class UpdateConnectionRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'OpenAI (staging)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsOptional()
  name?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { base_url: 'https://openai-proxy.internal/v1' },
    description:
      'Merged over the stored config: fields you leave out (secrets included) keep their value, a field set to `null` is removed. ' +
      'A changed config sets the status back to `untested`.',
  })
  @IsObject()
  @IsOptional()
  config?: Record<string, unknown>;
}

/** Body of `POST /v1/connections/test`: a config tested before it is saved. */
export class TestConnectionConfigRequest {
  @ApiProperty({ example: 'slack' })
  @IsString()
  @Matches(PLATFORM_ID_PATTERN, { message: 'must be a platform id such as openai or slack' })
  platform: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { bot_token: 'xoxb-1234-5678-abcdefa1b2' } })
  @IsObject()
  config: Record<string, unknown>;
}

export class ListConnectionsQuery extends ListQuery {
  @ApiPropertyOptional({ example: 'slack' })
  @IsString()
  @Matches(PLATFORM_ID_PATTERN, { message: 'must be a platform id such as openai or slack' })
  @IsOptional()
  platform?: string;

  @ApiPropertyOptional({ enum: CONNECTION_STATUSES })
  @IsIn(CONNECTION_STATUSES)
  @IsOptional()
  status?: ConnectionStatus;
}

/** Addresses one connection (`con_…`) of the caller's workspace. */
export class ConnectionRef {
  @IsString()
  @MaxLength(80)
  connection: string;
}

export class UpdateConnectionMessage extends ConnectionRef {
  @ValidateNested()
  @Type(() => UpdateConnectionRequest)
  patch: UpdateConnectionRequest;
}

export class PlatformRef {
  @IsString()
  @MaxLength(80)
  platform: string;
}

/**
 * `connections.resolve`: the decrypted config of one connection, for services only (the executions
 * engine, tool calls). The caller's ctx must name the workspace and a `system:<service>` actor; the
 * gateway has no route to it.
 */
export class ResolveConnectionRequest {
  @IsString()
  @MaxLength(80)
  connection_id: string;

  /** The platform the caller needs; another platform is INTEGRATION_NOT_CONNECTED. */
  @IsString()
  @Matches(PLATFORM_ID_PATTERN)
  @IsOptional()
  platform?: string;
}

export class PlatformToolView {
  @ApiProperty({ example: 'slack.post_message' }) name: string;
  @ApiProperty({ example: 'Post a message to a channel' }) description: string;
}

export class PlatformView {
  @ApiProperty({ example: 'slack' }) id: string;
  @ApiProperty({ example: 'Slack' }) name: string;
  @ApiProperty({ example: 'Post messages and read channels as a Slack bot.' }) description: string;
  @ApiProperty({ enum: PLATFORM_AUTH_TYPES, example: 'bearer' }) auth_type: PlatformAuthType;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema (draft 2020-12) of `config`; secret fields carry `"x-secret": true` and `"writeOnly": true`',
    example: {
      type: 'object',
      required: ['bot_token'],
      additionalProperties: false,
      properties: {
        bot_token: { type: 'string', 'x-secret': true, writeOnly: true },
        base_url: { type: 'string', format: 'uri', default: 'https://slack.com/api' },
      },
    },
  })
  config_schema: Record<string, unknown>;
  @ApiProperty({ type: [String], example: ['bot_token'], description: 'The secret fields of `config` (encrypted at rest, shown masked)' })
  secret_fields: string[];
  @ApiProperty({ example: 'POST auth.test', description: 'What `test` calls' }) test_endpoint: string;
  @ApiProperty({ type: [PlatformToolView], description: 'The tools a connection of this platform provides' }) tools: PlatformToolView[];
  @ApiProperty({ example: false, description: "true when the tools come from the server itself (MCP's tools/list)" })
  dynamic_tools: boolean;
}

export class ConnectionView {
  @ApiProperty({ example: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) id: string;
  @ApiProperty({ example: 'openai' }) platform: string;
  @ApiProperty({ example: 'OpenAI (production)' }) name: string;
  @ApiProperty({ enum: CONNECTION_STATUSES, example: 'active' }) status: ConnectionStatus;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description:
      'Why the last test failed, or why a tool call, model call or authenticated `http` step found the credentials refused (which also made the status `error` or `expired`)',
  })
  error_message: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T10:00:00.000Z' }) last_tested_at: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: MASKED_EXAMPLE,
    description: 'The config with every secret field masked',
  })
  config: Record<string, unknown>;
  @ApiProperty({ type: [String], example: ['api_key'], description: 'Fields of `config` shown masked' }) masked_fields: string[];
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) updated_at: string;
}

export class ConnectionTestView {
  @ApiProperty({ example: true }) ok: boolean;
  @ApiProperty({ enum: CONNECTION_STATUSES, example: 'active', description: 'The status this result gives the connection' })
  status: ConnectionStatus;
  @ApiProperty({ nullable: true, type: String, example: null }) error_message: string | null;
  @ApiProperty({ example: 182 }) latency_ms: number;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) tested_at: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { team: 'Acme', user: 'agentry-bot' },
    description: 'Who the platform says the credentials belong to',
  })
  identity: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: ConnectionView, description: 'The connection after the test (`POST /v1/connections/{id}/test` only)' })
  connection?: ConnectionView;
}

/** Reply of `connections.resolve`: the full, decrypted config. Never leaves the cluster. */
export interface ResolvedConnection {
  id: string;
  platform: string;
  name: string;
  status: ConnectionStatus;
  config: Record<string, unknown>;
  /** The config's revision: hand it back with `connections.report_auth_failure`, so a stale call cannot mark a new config bad. */
  revision?: number;
}

/**
 * Where an auth failure was seen: a connection test, a tool call, a model call of an `llm`/`agent` step,
 * or an `http` step authenticated with the connection.
 */
export const AUTH_FAILURE_SOURCES = ['test', 'tool_call', 'model_call', 'http_step'] as const;
export type AuthFailureSource = (typeof AUTH_FAILURE_SOURCES)[number];

/**
 * `connections.report_auth_failure`, services only (like `connections.resolve`): a call made with a
 * resolved connection was refused as unauthenticated (HTTP 401, a revoked or expired token). An
 * `active` connection becomes `error` (or `expired`) and `agentry.connections.disconnected` is emitted.
 */
export class ReportAuthFailureRequest {
  @IsString()
  @MaxLength(80)
  connection_id: string;

  /** The `revision` of the resolved connection the call used; a config changed since then is left alone. */
  @IsInt()
  @Min(1)
  @IsOptional()
  revision?: number;

  @IsIn(['auth', 'expired'])
  reason: 'auth' | 'expired';

  /** What the platform said; the connections service scrubs the connection's secrets from it before storing it. */
  @IsString()
  @MaxLength(2000)
  message: string;

  @IsIn(['tool_call', 'model_call', 'http_step'])
  source: Exclude<AuthFailureSource, 'test'>;
}

/** Reply of `connections.report_auth_failure`: the connection's status now, and whether this report changed it. */
export interface ReportAuthFailureReply {
  connection_id: string;
  status: ConnectionStatus | null;
  changed: boolean;
}

/**
 * Data of `agentry.connections.disconnected`: a test, or a call made with the connection, met an auth
 * failure (revoked, invalid or expired credentials).
 */
export class ConnectionDisconnectedEventData {
  @IsString() connection_id: string;
  @IsString() platform: string;
  @IsString() name: string;
  @IsIn(['error', 'expired']) status: 'error' | 'expired';
  @IsIn(CONNECTION_STATUSES) previous_status: ConnectionStatus;
  @IsString() error_message: string;
  /** When the failure was seen: the test's time, or the refused call's. */
  @IsString() tested_at: string;
  /** What saw it; absent in events published before calls could report (read it as `test`). */
  @IsIn(AUTH_FAILURE_SOURCES) @IsOptional() detected_by?: AuthFailureSource;
}
