import { checkOutboundUrl, createOutboundAgent, OutboundError, OutboundPolicy, toOutboundError } from '@agentry/common';
import { Agent, request } from 'undici';
import { parseRetryAfter } from './retry-policy';

export type AttemptKind = 'succeeded' | 'http_error' | 'timeout' | 'network' | 'blocked' | 'invalid_url' | 'aborted';

export interface AttemptResult {
  kind: AttemptKind;
  statusCode: number | null;
  latencyMs: number;
  /** The first 1 KiB of the response body. */
  excerpt: string | null;
  error: string | null;
  retryAfterMs?: number;
}

export const EXCERPT_BYTES = 1024;
/** Read (and so keep the connection reusable) up to this much of a response; a larger one closes it. */
const DRAIN_BYTES = 64 * 1024;

export interface HttpSenderOptions {
  timeoutMs: number;
  connectionsPerOrigin: number;
}

/**
 * POSTs one attempt through the outbound address guard, over a keep-alive pool. Never throws: every
 * outcome is an AttemptResult. Redirects are not followed (a 3xx is a failure).
 */
export class HttpSender {
  private readonly agent: Agent;

  constructor(
    private readonly policy: OutboundPolicy,
    private readonly options: HttpSenderOptions,
  ) {
    this.agent = createOutboundAgent(policy, {
      connectionsPerOrigin: options.connectionsPerOrigin,
      keepAliveTimeoutMs: 30_000,
      connectTimeoutMs: Math.min(10_000, options.timeoutMs),
    });
  }

  async post(rawUrl: string, headers: Record<string, string>, body: Buffer, shutdown?: AbortSignal): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let url: URL;
    try {
      url = checkOutboundUrl(rawUrl, this.policy);
    } catch (err) {
      const e = err as OutboundError;
      return { kind: e.kind === 'blocked' ? 'blocked' : 'invalid_url', statusCode: null, latencyMs: 0, excerpt: null, error: e.message };
    }
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = shutdown ? AbortSignal.any([timeout, shutdown]) : timeout;
    try {
      const res = await request(url, {
        method: 'POST',
        headers,
        body,
        signal,
        dispatcher: this.agent,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      const excerpt = await readExcerpt(res.body);
      const status = res.statusCode;
      const ok = status >= 200 && status < 300;
      const retryAfter = res.headers['retry-after'];
      return {
        kind: ok ? 'succeeded' : 'http_error',
        statusCode: status,
        latencyMs: elapsed(),
        excerpt,
        error: ok ? null : httpError(status),
        retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
      };
    } catch (err) {
      if (shutdown?.aborted)
        return { kind: 'aborted', statusCode: null, latencyMs: elapsed(), excerpt: null, error: 'Interrupted by shutdown' };
      const e = toOutboundError(err, url, this.options.timeoutMs);
      const kind = e.kind === 'timeout' ? 'timeout' : e.kind === 'blocked' ? 'blocked' : 'network';
      return { kind, statusCode: null, latencyMs: elapsed(), excerpt: null, error: e.message };
    }
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

function httpError(status: number): string {
  if (status >= 300 && status < 400) return `Redirect (${status}) not followed: only 2xx counts as delivered`;
  return `Receiver answered ${status}`;
}

async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string | null> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (keptBytes < EXCERPT_BYTES) {
      const part = chunk.subarray(0, EXCERPT_BYTES - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
    if (total > DRAIN_BYTES) {
      body.destroy();
      break;
    }
  }
  if (keptBytes === 0) return null;
  // cut at a character boundary (a character split at 1 KiB decodes to U+FFFD); Postgres text holds no NUL
  return new TextDecoder('utf-8', { fatal: false })
    .decode(Buffer.concat(kept))
    .replace(/\uFFFD$/, '')
    .replace(/\u0000/g, '');
}
