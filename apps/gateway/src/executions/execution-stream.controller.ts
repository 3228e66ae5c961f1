import { ExecutionLlmDeltaMessage, ExecutionProgressMessage, ExecutionsRpc, RpcContext, TERMINAL_STATUSES } from '@agentry/contracts';
import { NATS, NatsHandles } from '@agentry/common';
import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx } from '../auth/rpc-context.decorator';
import { Ref } from '../http/resource-ref.pipe';
import { ApiErrors } from '../openapi/error-envelope.schema';
import { RpcClient } from '../rpc/rpc-client';
import { subscribeToRun } from './run-subscription';

const KEEPALIVE_MS = 15_000;
/** Progress goes over core NATS (not durable): without news for this long, the stream asks for the state again. */
const RESYNC_MS = 5_000;

const STREAM_DESCRIPTION = `Server-Sent Events of one run's progress. The first event, \`execution\`, is the run as it is now
(steps so far included), so a client that connects late misses no change. Then one event per change: \`step\` (a step's
new state) and \`status\` (the run's new status). The stream ends with \`end\` (the finished execution) and closes; it
ends at once for a run that has already finished. The \`id\` of these events is the run's change counter. Comments
(\`: keep-alive\`) every 15 s keep proxies from closing the stream.

While the model of an \`llm\` or \`agent\` step answers, its text arrives as \`llm\` events, in order, one per piece:
\`{ step_id, call, delta, at }\`. \`call\` numbers the model calls of the step's attempt from 1 (an agent makes one per
turn; an \`llm\` step makes a second when its answer does not match \`response_schema\`) and \`delta\` is the next piece
of text. These events are live only: they have no \`id\`, a client that connects later does not get the pieces sent
before, and none are sent for a step with \`stream: false\` or when the server does not stream model output. The
step's output (in its \`step\` event and in \`end\`) holds the finished answer.`;

@ApiTags('Executions')
@ApiBearerAuth()
@Controller('v1')
export class ExecutionStreamController {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(NATS) private readonly nats: NatsHandles,
  ) {}

  @Get('executions/:id/stream')
  @RequireScopes('executions:read')
  @ApiParam({ name: 'id', description: 'Execution id (`exe_…`)', example: 'exe_01JD5Z4Q9X7N3B2V1C0M8K6H4G' })
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: "Stream an execution's progress (SSE)", description: STREAM_DESCRIPTION })
  @ApiOkResponse({
    description: 'An event stream',
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          example:
            'event: llm\ndata: {"step_id":"score","call":1,"delta":"A hot","at":"2026-11-23T10:00:01.250Z"}\n\n' +
            'id: 3\nevent: step\ndata: {"step_id":"score","status":"succeeded",…}\n\n',
        },
      },
    },
  })
  @ApiErrors(403, 404)
  async stream(
    @Ctx() ctx: RpcContext,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Param('id', Ref('Execution')) id: string,
  ): Promise<void> {
    // Subscribe before the snapshot, so nothing between the two is lost; duplicates are dropped by seq.
    const sub = subscribeToRun(this.nats, id);
    let snapshot;
    try {
      snapshot = await this.rpc.call(ExecutionsRpc.streamState, { execution: id }, ctx);
    } catch (err) {
      sub.unsubscribe();
      throw err;
    }

    reply.hijack();
    const res = reply.raw;
    const headers: Record<string, string | number | string[]> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v as string;
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let seq = snapshot.seq;
    let closed = false;
    const send = (event: string, data: unknown, eventId?: number) => {
      if (!closed) res.write(`${eventId !== undefined ? `id: ${eventId}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    let lastNews = Date.now();
    const timers: NodeJS.Timeout[] = [];
    const close = () => {
      if (closed) return;
      closed = true;
      timers.forEach(clearInterval);
      sub.unsubscribe();
      res.end();
    };
    req.raw.on('close', close);

    send('execution', snapshot.execution, seq);
    if (TERMINAL_STATUSES.includes(snapshot.execution.status)) {
      send('end', snapshot.execution, seq);
      return close();
    }
    // Model output carries no seq and does not count as news for the resync (it cannot stand in for a lost change).
    const forward = (m: ExecutionLlmDeltaMessage) => {
      if (typeof m.step_id === 'string' && typeof m.delta === 'string') {
        send('llm', { step_id: m.step_id, call: m.call, delta: m.delta, at: m.at });
      }
    };
    const apply = (m: ExecutionProgressMessage) => {
      if (closed || m.seq <= snapshot.seq || m.seq < seq) return;
      seq = m.seq;
      lastNews = Date.now();
      if (m.type === 'step') send('step', m.step, m.seq);
      else {
        send('status', { status: m.status, at: m.at }, m.seq);
        if (TERMINAL_STATUSES.includes(m.status)) {
          send('end', m.execution ?? { id, status: m.status }, m.seq);
          close();
        }
      }
    };
    sub.start(snapshot.seq, (m) => (m.kind === 'llm' ? forward(m.llm) : apply(m.progress)));
    timers.push(setInterval(() => !closed && res.write(': keep-alive\n\n'), KEEPALIVE_MS));
    timers.push(
      setInterval(() => {
        if (closed || Date.now() - lastNews < RESYNC_MS) return;
        void this.rpc
          .call(ExecutionsRpc.streamState, { execution: id }, ctx)
          .then((state) => {
            lastNews = Date.now();
            if (state.seq <= seq) return;
            seq = state.seq;
            send('execution', state.execution, state.seq);
            if (TERMINAL_STATUSES.includes(state.execution.status)) {
              send('end', state.execution, state.seq);
              close();
            }
          })
          .catch(() => undefined);
      }, RESYNC_MS),
    );
  }
}
