import { checkOutboundUrl, createOutboundAgent, OutboundError, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent, Dispatcher, interceptors, request } from 'undici';
import { ExecutionsConfig } from '../../config/executions.config';
import { ConnectionAuth, ConnectionCredentials } from '../http/connection-credentials';
import { StepError, StepErrorCode } from './step-error';
import { StepOutcome, StepRunContext, StepRunner } from './step-runner';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** Statuses worth another attempt; any other response is the step's output. */
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

interface HttpRequestSpec {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
}

/**
 * `http`: `{ method, url, headers?, body?, connection_id?, timeout_ms? }` → `{ status, headers, body }`.
 * A 5xx, 408, 425 or 429 answer, a network error or a timeout fails the attempt (retryable); other
 * statuses, 4xx included, are output for later steps to inspect. Redirects are followed (5 at most),
 * each through the outbound address guard. A 401 to a request authenticated with `connection_id`
 * also marks that connection failed (connections.report_auth_failure, `http_step`).
 */
@Injectable()
export class HttpStep implements StepRunner, OnApplicationShutdown {
  readonly type = 'http' as const;
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ExecutionsConfig,
    private readonly credentials: ConnectionCredentials,
  ) {
    // the shared SSRF guard: private answers refused at lookup, and the connected address checked again
    this.agent = createOutboundAgent(
      { allowPrivateNetworks: config.AGENTRY_ALLOW_PRIVATE_NETWORKS },
      { connectionsPerOrigin: 256, keepAliveTimeoutMs: 4_000 },
    );
    this.dispatcher = this.agent.compose(interceptors.redirect({ maxRedirections: 5 }));
  }

  /**
   * After the worker's drain (beforeApplicationShutdown) has aborted the steps still running: closing the agent
   * waits for its requests, so closing it earlier (onModuleDestroy) held a graceful stop on any request that hung.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }

  async run(ctx: StepRunContext): Promise<StepOutcome> {
    const spec = this.parse(ctx);
    const authenticated = typeof ctx.with.connection_id === 'string' && ctx.with.connection_id !== '';
    let auth: ConnectionAuth | null = null;
    if (authenticated) {
      auth = await this.credentials.authenticate(ctx.with.connection_id as string, ctx.run.workspaceId, spec.url, spec.headers);
      Object.assign(spec.headers, auth.headers);
    }
    const timeout = AbortSignal.timeout(spec.timeoutMs);
    const signal = AbortSignal.any([ctx.signal, timeout]);
    try {
      const res = await request(spec.url, {
        method: spec.method as Dispatcher.HttpMethod,
        headers: spec.headers,
        body: spec.body,
        signal,
        // a redirect could carry the connection's credentials to another host: authenticated requests do not follow them
        dispatcher: authenticated ? this.agent : this.dispatcher,
      });
      const body = await this.readBody(res, spec.method);
      const output = { status: res.statusCode, headers: flattenHeaders(res.headers), body };
      // The connection's credentials were refused: it is marked failed, and the 401 is still the step's output.
      if (auth && res.statusCode === 401) await this.credentials.refused(auth, { method: spec.method, url: spec.url, ...output });
      if (RETRYABLE_STATUS.has(res.statusCode)) {
        throw new StepError(StepErrorCode.HTTP_ERROR, `HTTP ${res.statusCode} from ${spec.method} ${spec.url.origin}${spec.url.pathname}`, {
          retryable: true,
          output,
        });
      }
      return { type: 'succeeded', output };
    } catch (err) {
      if (err instanceof StepError) throw err;
      if (ctx.signal.aborted) throw err; // cancel or shutdown: the executor decides
      if (timeout.aborted) {
        throw new StepError(StepErrorCode.STEP_TIMEOUT, `${spec.method} ${spec.url.origin} did not answer within ${spec.timeoutMs} ms`, {
          retryable: true,
        });
      }
      const refused = findCause(
        err,
        (e) => (e as { code?: string }).code === 'EOUTBOUNDBLOCKED' || (e instanceof OutboundError && e.kind === 'blocked'),
      );
      if (refused) throw new StepError(StepErrorCode.OUTBOUND_ADDRESS_REFUSED, (refused as Error).message);
      const cause = findCause(err, (e) => typeof (e as { code?: string }).code === 'string') as
        { code?: string; message?: string } | undefined;
      throw new StepError(
        StepErrorCode.STEP_FAILED,
        `${spec.method} ${spec.url.origin} failed: ${cause?.code ?? ''} ${cause?.message ?? (err as Error).message}`
          .replace(/\s+/g, ' ')
          .trim(),
        { retryable: true },
      );
    }
  }

  private parse(ctx: StepRunContext): HttpRequestSpec {
    const w = ctx.with;
    const method = String(w.method ?? 'GET').toUpperCase();
    if (!METHODS.includes(method)) throw invalid(`method must be one of ${METHODS.join(', ')}, got ${JSON.stringify(w.method)}`);
    let url: URL;
    try {
      url = new URL(String(w.url));
    } catch {
      throw invalid(`url is not a valid absolute URL: ${JSON.stringify(w.url)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`url must be http or https, got ${url.protocol}`);
    try {
      checkOutboundUrl(url, { allowPrivateNetworks: this.config.AGENTRY_ALLOW_PRIVATE_NETWORKS });
    } catch (err) {
      const e = err as OutboundError;
      throw e.kind === 'blocked' ? new StepError(StepErrorCode.OUTBOUND_ADDRESS_REFUSED, e.message) : invalid(e.message);
    }
    const headers: Record<string, string> = {};
    if (w.headers !== undefined && w.headers !== null) {
      if (typeof w.headers !== 'object' || Array.isArray(w.headers)) throw invalid('headers must be an object of strings');
      for (const [k, v] of Object.entries(w.headers)) {
        if (v === undefined || v === null) continue;
        headers[k.toLowerCase()] = typeof v === 'string' ? v : String(v);
      }
    }
    let body: string | undefined;
    if (w.body !== undefined && w.body !== null && method !== 'GET' && method !== 'HEAD') {
      if (typeof w.body === 'string') body = w.body;
      else {
        body = JSON.stringify(w.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    headers['user-agent'] ??= 'Agentry/0.1 (+http step)';
    const own = typeof w.timeout_ms === 'number' && w.timeout_ms > 0 ? w.timeout_ms : null;
    return { method, url, headers, body, timeoutMs: own ?? ctx.step.timeoutMs ?? this.config.HTTP_DEFAULT_TIMEOUT_MS };
  }

  private async readBody(res: Dispatcher.ResponseData, method: string): Promise<unknown> {
    if (method === 'HEAD') {
      await res.body.dump();
      return null;
    }
    const max = this.config.HTTP_MAX_RESPONSE_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > max) {
        res.body.destroy();
        throw new StepError(StepErrorCode.HTTP_RESPONSE_TOO_LARGE, `response body is larger than ${max} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.length === 0) return null;
    const type = String(res.headers['content-type'] ?? '');
    if (/[/+]json\b/i.test(type)) {
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    }
    return text;
  }
}

function invalid(message: string): StepError {
  return new StepError(StepErrorCode.INVALID_STEP_INPUT, `http: ${message}`);
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function findCause(err: unknown, test: (e: unknown) => boolean): unknown {
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    if (test(e)) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
