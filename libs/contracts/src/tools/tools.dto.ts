import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** `slack.post_message`, `http.request`, `mcp.search_docs`: a namespace, a dot, a name. */
export const TOOL_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,49}\.[A-Za-z0-9_.-]{1,128}$/;

export const TOOL_SOURCES = ['builtin', 'platform', 'mcp'] as const;
export type ToolSource = (typeof TOOL_SOURCES)[number];

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Query of `GET /v1/tools`. */
export class ListToolsQuery {
  @ApiPropertyOptional({
    default: false,
    description:
      'Also list the tools of platforms you have no active connection for (`available: false`), so you can see what connecting one would give you',
  })
  @Transform(toBoolean)
  @IsBoolean()
  @IsOptional()
  include_all?: boolean;

  @ApiPropertyOptional({
    default: false,
    description: 'Ask every MCP server for its tools again (`tools/list`) instead of using the cache',
  })
  @Transform(toBoolean)
  @IsBoolean()
  @IsOptional()
  refresh?: boolean;
}

/** Body of `POST /v1/tools/call` and `POST /v1/tools/call/stream`. */
export class CallToolRequest {
  @ApiProperty({ example: 'slack.post_message', description: 'A tool name from `GET /v1/tools`' })
  @IsString()
  @Matches(TOOL_NAME_PATTERN, { message: 'must be a tool name such as slack.post_message or http.request' })
  name: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { channel: '#sales', text: 'New hot lead: Ada Lovelace (score 92)' },
    description: "Validated against the tool's `input_schema` before anything is called (400 names each field)",
  })
  @IsObject()
  @IsOptional()
  arguments?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
    description: 'The connection to act with; needed only when several active connections provide the tool',
  })
  @IsString()
  @MaxLength(80)
  @IsOptional()
  connection_id?: string;

  @ApiPropertyOptional({ minimum: 100, maximum: 120_000, default: 30_000, description: 'Time budget of the call' })
  @IsInt()
  @Min(100)
  @Max(120_000)
  @IsOptional()
  timeout_ms?: number;
}

/** `tools.call` over NATS: the public request plus who it is for (audit) and where to stream progress. */
export class CallToolMessage extends CallToolRequest {
  /** Progress goes to `tools.progress.<stream_id>` while the call runs (the gateway's SSE route). */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{8,64}$/)
  @IsOptional()
  stream_id?: string;

  /** Set by the executions engine: the run and step the call belongs to. */
  @IsString()
  @MaxLength(80)
  @IsOptional()
  execution_id?: string;

  @IsString()
  @MaxLength(80)
  @IsOptional()
  step_id?: string;
}

export class ToolView {
  @ApiProperty({ example: 'slack.post_message' }) name: string;
  @ApiProperty({ example: 'Post a message to a Slack channel or thread' }) description: string;
  @ApiProperty({ enum: TOOL_SOURCES, example: 'platform' }) source: ToolSource;
  @ApiProperty({ nullable: true, type: String, example: 'slack', description: 'The platform whose connection the tool acts with' })
  platform: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4G', description: 'The connection it acts with' })
  connection_id: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Acme Slack' }) connection_name: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema of `arguments`',
    example: { type: 'object', required: ['channel', 'text'], properties: { channel: { type: 'string' }, text: { type: 'string' } } },
  })
  input_schema: Record<string, unknown>;
  @ApiProperty({ example: true, description: 'false: no active connection provides it yet (listed with `include_all=true`)' })
  available: boolean;
}

export class ToolCallView {
  @ApiProperty({ example: 'tcl_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) id: string;
  @ApiProperty({ example: 'slack.post_message' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) connection_id: string | null;
  @ApiProperty({
    description:
      "The tool's result: JSON for built-in and platform tools; for MCP tools `{ content, structured_content }` as the server sent them",
    example: { ok: true, channel: 'C0123', ts: '1732350000.000100' },
  })
  output: unknown;
  @ApiProperty({
    example: false,
    description: 'true when the tool ran but reported a failure (an MCP isError result, Slack ok:false, a 4xx from the platform)',
  })
  is_error: boolean;
  @ApiProperty({ example: 182 }) duration_ms: number;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) started_at: string;
}

/** One message on `tools.progress.<stream_id>`. */
export interface ToolProgressMessage {
  type: 'started' | 'progress' | 'log';
  at: string;
  message?: string;
  progress?: number;
  total?: number;
}
