import { checkOutboundUrl, OutboundError, outboundDispatcher, OutboundPolicy } from '@agentry/common';
import { fetch as undiciFetch, Response as UndiciResponse } from 'undici';

export interface McpFetchOptions {
  /** Largest response body (a JSON reply, or one request's SSE stream); on the long-lived GET stream, the largest single event. */
  maxResponseBytes: number;
  /** Told about a refused redirect or an oversized answer, so the session can fail its pending requests at once. */
  onViolation?(err: OutboundError): void;
}

export type McpFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * The MCP SDK's transport fetches through this: each URL is checked by the outbound guard, the
 * connection goes through the guarded dispatcher (the IP a name resolves to is checked at connect
 * time), redirects are refused rather than followed (the SDK would follow one within the origin), and
 * bodies are capped, so a server can neither bounce the call elsewhere nor exhaust our memory.
 */
export function guardedFetch(policy: OutboundPolicy, options: McpFetchOptions): McpFetch {
  return async (url, init) => {
    const target = checkOutboundUrl(url, policy);
    const fail = (err: OutboundError): never => {
      options.onViolation?.(err);
      throw err;
    };
    const res = await undiciFetch(target, { ...(init as object), redirect: 'manual', dispatcher: outboundDispatcher(policy) } as never);
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => undefined);
      return fail(redirectError(target, res.status, res.headers.get('location')));
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > options.maxResponseBytes) {
      await res.body?.cancel().catch(() => undefined);
      return fail(tooLarge(target, options.maxResponseBytes));
    }
    if (!res.body) return res as unknown as Response;
    const perEvent = (init?.method ?? 'GET').toUpperCase() === 'GET' && isEventStream(res.headers.get('content-type'));
    const capped = res.body.pipeThrough(
      byteCap(options.maxResponseBytes, perEvent, () => fail(tooLarge(target, options.maxResponseBytes))),
    );
    return new UndiciResponse(capped as never, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    }) as unknown as Response;
  };
}

function isEventStream(contentType: string | null): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === 'text/event-stream';
}

/** Names the hosts only: a path or query may carry credentials. */
function redirectError(from: URL, status: number, location: string | null): OutboundError {
  let to = '';
  try {
    if (location) to = ` to ${new URL(location, from).host}`;
  } catch {
    to = ' to an invalid location';
  }
  return new OutboundError(
    'redirect',
    `The MCP server at ${from.host} answered HTTP ${status} (a redirect${to}); redirects are not followed: set the connection's url to the final endpoint`,
  );
}

function tooLarge(from: URL, limit: number): OutboundError {
  return new OutboundError('too_large', `The response from the MCP server at ${from.host} is larger than ${limit} bytes`);
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Passes bytes through and errors the stream past `limit`: counted over the whole body, or, for a
 * long-lived event stream (`perEvent`), since the last blank line that ended an event.
 */
function byteCap(limit: number, perEvent: boolean, onExceeded: () => never): TransformStream<Uint8Array, Uint8Array> {
  let count = 0;
  let last = -1;
  let beforeLast = -1;
  return new TransformStream({
    transform(chunk, controller) {
      if (!perEvent) {
        count += chunk.byteLength;
      } else {
        for (const byte of chunk) {
          // An event ends with an empty line: LF LF, CR CR, or CR LF CR LF (whose last three bytes are LF CR LF).
          const ends = (byte === LF && (last === LF || (last === CR && beforeLast === LF))) || (byte === CR && last === CR);
          count = ends ? 0 : count + 1;
          beforeLast = last;
          last = byte;
          if (count > limit) break;
        }
      }
      if (count > limit) {
        try {
          onExceeded();
        } catch (err) {
          controller.error(err);
          return;
        }
      }
      controller.enqueue(chunk);
    },
  });
}
