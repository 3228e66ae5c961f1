import { CallToolRequest, ListToolsQuery, RpcContext, ToolCallView, ToolsRpc, ToolView } from '@agentry/contracts';
import { AppError, NATS, NatsHandles } from '@agentry/common';
import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyHeader } from '../agents/agents.controller';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx } from '../auth/rpc-context.decorator';
import { IDEMPOTENCY_HEADER } from '../idempotency/idempotency.interceptor';
import { ApiErrors } from '../openapi/error-envelope.schema';
import { RpcClient } from '../rpc/rpc-client';
import { streamToolCall } from './tool-call-stream';

/** Head room over the call's own budget, so the service answers (with its timeout error) before the RPC gives up. */
const RPC_MARGIN_MS = 5_000;
const DEFAULT_CALL_TIMEOUT_MS = 30_000;

const CALL_NOTE =
  "`arguments` are validated against the tool's `input_schema` first (400 names each field, e.g. `arguments.channel`). " +
  'Without `connection_id` the one active connection that provides the tool is used (none: 424 `INTEGRATION_NOT_CONNECTED`; several: 400). ' +
  'A tool that ran but reported a failure (an MCP `isError` result, Slack `ok: false`, a 4xx from the platform) answers 200 with `is_error: true`; ' +
  'a platform that is down, rate limiting or too slow answers 500 `EXECUTION_FAILED` (retryable). Every call is audited (who, which tool, when, outcome), never its arguments or result.';

@ApiTags('Tools')
@ApiExtraModels(ToolView, ToolCallView)
@ApiBearerAuth()
@Controller('v1/tools')
export class ToolsController {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(NATS) private readonly nats: NatsHandles,
  ) {}

  @Get()
  @RequireScopes('connections:read')
  @ApiOperation({
    summary: 'List the tools agents can call',
    description:
      'Built-in tools (`http.request`, `json.transform`, `time.now`), the tools of your active connections (`slack.post_message`, ' +
      '`github.create_issue`…, one entry per connection), and the tools of every connected MCP server (`mcp.<name>`, discovered with ' +
      '`tools/list` and cached until the server announces a change). Each comes with the JSON Schema of its arguments. ' +
      'An MCP server that cannot be reached is left out of the list. `include_all=true` adds the tools of platforms you have not connected (`available: false`).',
  })
  @ApiOkResponse({
    schema: { type: 'object', required: ['data'], properties: { data: { type: 'array', items: { $ref: getSchemaPath(ToolView) } } } },
  })
  @ApiErrors(400, 403)
  list(@Ctx() ctx: RpcContext, @Query() query: ListToolsQuery): Promise<{ data: ToolView[] }> {
    return this.rpc.call(ToolsRpc.list, query, ctx, 30_000);
  }

  @Post('call')
  @HttpCode(200)
  @RequireScopes('tools:call')
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Call a tool', description: CALL_NOTE })
  @ApiOkResponse({ type: ToolCallView })
  @ApiErrors(400, 403, 404, 409, 413, 424, 500)
  call(@Ctx() ctx: RpcContext, @Body() body: CallToolRequest): Promise<ToolCallView> {
    return this.rpc.call(ToolsRpc.call, body, ctx, (body.timeout_ms ?? DEFAULT_CALL_TIMEOUT_MS) + RPC_MARGIN_MS);
  }

  @Post('call/stream')
  @HttpCode(200)
  @RequireScopes('tools:call')
  @ApiOperation({
    summary: 'Call a tool and stream its progress (Server-Sent Events)',
    description:
      `${CALL_NOTE}\n\nA call refused before it starts (unknown tool, invalid arguments, no connection) is an ordinary JSON error. ` +
      'Once it has started the response is `text/event-stream`: `started`, then `progress` events (MCP progress notifications: ' +
      '`{ progress, total, message }`), then one `result` event with the tool call, or one `error` event with the error envelope; then the stream ends. ' +
      '`Idempotency-Key` is not accepted here (a stream cannot be replayed); use `POST /v1/tools/call` for that.',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({
    status: 200,
    description: 'The event stream',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'event: started\ndata: {"type":"started","at":"2026-11-23T10:00:00.000Z","message":"Calling mcp.search_docs"}\n\n' +
          'event: progress\ndata: {"type":"progress","at":"2026-11-23T10:00:00.400Z","progress":1,"total":2,"message":"searching"}\n\n' +
          'event: result\ndata: {"id":"tcl_01JD5Z4Q9X7N3B2V1C0M8K6H4G","name":"mcp.search_docs","connection_id":"con_01JD5Z4Q9X7N3B2V1C0M8K6H4G","output":{"content":[{"type":"text","text":"3 documents"}]},"is_error":false,"duration_ms":812,"started_at":"2026-11-23T10:00:00.000Z"}\n\n',
      },
    },
  })
  @ApiErrors(400, 403, 404, 413, 424, 500)
  async stream(
    @Ctx() ctx: RpcContext,
    @Body() body: CallToolRequest,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey?: string,
  ): Promise<void> {
    if (idempotencyKey !== undefined) {
      throw AppError.invalid('Idempotency-Key is not supported on a streamed call', [
        { field: 'Idempotency-Key', reason: 'use POST /v1/tools/call for idempotent calls' },
      ]);
    }
    const timeout = (body.timeout_ms ?? DEFAULT_CALL_TIMEOUT_MS) + RPC_MARGIN_MS;
    await streamToolCall(this.nats, reply, req.id, {
      ctx,
      call: (streamId) => this.rpc.call(ToolsRpc.call, { ...body, stream_id: streamId }, ctx, timeout),
    });
  }
}
