import { RpcContext, ToolCallView, toolProgressSubject, ToolProgressMessage } from '@agentry/contracts';
import { NatsHandles } from '@agentry/common';
import type { FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import { toErrorBody } from './tool-errors';

const KEEPALIVE_MS = 15_000;

export interface StreamedCall {
  /** Starts the call with this stream id; resolves with its result. */
  call(streamId: string): Promise<ToolCallView>;
  ctx: RpcContext;
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Streams one tool call as Server-Sent Events. Progress comes over core NATS from the connections
 * service; nothing is written until the call has started (its tool resolved and arguments valid), so
 * a call refused up front is an ordinary JSON error with its status. After that: `started`,
 * `progress`…, then `result` (the ToolCallView) or `error` (the error envelope), and the stream ends.
 */
export async function streamToolCall(nats: NatsHandles, reply: FastifyReply, requestId: string, run: StreamedCall): Promise<void> {
  const streamId = randomBytes(12).toString('base64url');
  const sub = nats.nc.subscribe(toolProgressSubject(streamId));
  let open = false;
  let keepalive: NodeJS.Timeout | undefined;
  const write = (chunk: string) => {
    if (!reply.raw.writableEnded) reply.raw.write(chunk);
  };
  const start = () => {
    if (open) return;
    open = true;
    reply.hijack();
    const headers = reply.getHeaders() as Record<string, string>;
    reply.raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_MS);
  };
  const pump = (async () => {
    for await (const msg of sub) {
      const p = msg.json<ToolProgressMessage>();
      start();
      write(frame(p.type, p));
    }
  })();
  try {
    const result = await run.call(streamId);
    start();
    write(frame('result', result));
  } catch (err) {
    if (!open) throw err;
    write(frame('error', toErrorBody(err, requestId)));
  } finally {
    sub.unsubscribe();
    await pump.catch(() => undefined);
    clearInterval(keepalive);
    if (open) reply.raw.end();
  }
}
