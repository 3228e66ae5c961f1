import { checkOutboundUrl, OutboundError, outboundDispatcher } from '@agentry/common';
import { Dispatcher, request } from 'undici';
import { ProviderError } from '../errors';
import { backoffMs, RETRYABLE_STATUS, retryAfterMs, sleep } from './retry';

export interface HttpSettings {
  /** Let calls reach loopback and private networks (a local Ollama, tests). */
  allowPrivateNetworks: boolean;
  /** Budget of one attempt: the whole answer, or until a stream's headers. */
  timeoutMs: number;
  /** Longest silence inside a streamed answer. */
  idleTimeoutMs: number;
  /** Attempts after the first, on 429/5xx and network errors. */
  maxRetries: number;
  retryBaseMs: number;
  /** A longer Retry-After than this fails at once (retryable), rather than holding the caller. */
  maxRetryDelayMs: number;
}

export const DEFAULT_HTTP: HttpSettings = {
  allowPrivateNetworks: false,
  timeoutMs: 120_000,
  idleTimeoutMs: 60_000,
  maxRetries: 3,
  retryBaseMs: 500,
  maxRetryDelayMs: 30_000,
};

export interface JsonPost {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** Provider name for messages: "OpenAI-compatible API at api.openai.com". */
  who: string;
  signal?: AbortSignal;
}

const MAX_ERROR_BODY = 64 * 1024;

/** The error text a provider put in its body (`error.message` for both OpenAI and Anthropic). */
function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    const m = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message);
    if (m) return String(m).slice(0, 300);
  } catch {
    // not JSON
  }
  return text.slice(0, 200).replace(/\s+/g, ' ').trim();
}

/** The credentials a request carries (`Authorization`, `x-api-key`), which a provider may echo in its refusal. */
function credentialsIn(headers: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (key === 'authorization') out.push(value.replace(/^\s*(Bearer|Basic)\s+/i, ''));
    else if (key === 'x-api-key' || key === 'api-key') out.push(value);
  }
  return out.filter((v) => v.length >= 4);
}

function scrubbed(text: string, secrets: string[]): string {
  return secrets.reduce((out, s) => out.split(s).join('[redacted]'), text);
}

function statusError(who: string, status: number, text: string, attempts: number): ProviderError {
  const detail = errorText(text);
  const msg = `${who} answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 401 || status === 403) return new ProviderError('auth', msg, { status, attempts });
  if (status === 429) return new ProviderError('rate_limited', msg, { status, retryable: true, attempts });
  if (RETRYABLE_STATUS.has(status)) return new ProviderError('unavailable', msg, { status, retryable: true, attempts });
  return new ProviderError('bad_request', msg, { status, attempts });
}

function transportError(who: string, err: unknown, timeoutMs: number, attempts: number, signal?: AbortSignal): ProviderError {
  if (signal?.aborted) return new ProviderError('aborted', `${who}: the call was aborted`, { attempts });
  if (err instanceof ProviderError) return err;
  if (err instanceof OutboundError && (err.kind === 'blocked' || err.kind === 'invalid_url')) {
    return new ProviderError('blocked', err.message, { attempts });
  }
  const e = err as { name?: string; code?: string; cause?: { code?: string }; message?: string };
  const code = e?.code ?? e?.cause?.code ?? '';
  if (code === 'EOUTBOUNDBLOCKED') return new ProviderError('blocked', String(e.message), { attempts });
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || /TIMEOUT/.test(code)) {
    return new ProviderError('timeout', `${who} did not answer within ${timeoutMs} ms`, { retryable: true, attempts });
  }
  return new ProviderError('network', `Could not reach ${who} (${code || e?.message || 'connection failed'})`, {
    retryable: true,
    attempts,
  });
}

/**
 * postJson, then `read` the answer (a stream or one JSON body). A body that stops mid-way is a retryable
 * timeout; an aborted call says so; a ProviderError from `read` passes through.
 */
export async function postAndRead<T>(req: JsonPost, http: HttpSettings, read: (res: Dispatcher.ResponseData) => Promise<T>): Promise<T> {
  const res = await postJson(req, http);
  try {
    return await read(res);
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    if (req.signal?.aborted) throw new ProviderError('aborted', `${req.who}: the call was aborted`);
    throw new ProviderError('timeout', `${req.who} stopped answering mid-response (${(err as Error).message})`, { retryable: true });
  }
}

/**
 * POSTs JSON through the outbound guard and returns the 2xx response with its body unread (JSON or a
 * stream). 429 and 5xx answers and network errors are retried with backoff, waiting what Retry-After
 * asks; the final failure is a ProviderError that says whether it is worth retrying later.
 */
export async function postJson(req: JsonPost, http: HttpSettings): Promise<Dispatcher.ResponseData> {
  const url = (() => {
    try {
      return checkOutboundUrl(req.url, { allowPrivateNetworks: http.allowPrivateNetworks });
    } catch (err) {
      throw transportError(req.who, err, http.timeoutMs, 0);
    }
  })();
  const payload = JSON.stringify(req.body);
  for (let attempt = 1; ; attempt++) {
    let failure: ProviderError;
    let wait: number | undefined;
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(http.timeoutMs), ...(req.signal ? [req.signal] : [])]);
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...req.headers },
        body: payload,
        signal,
        dispatcher: outboundDispatcher({ allowPrivateNetworks: http.allowPrivateNetworks }),
        headersTimeout: http.timeoutMs,
        bodyTimeout: http.idleTimeoutMs,
      });
      if (res.statusCode >= 200 && res.statusCode < 300) return res;
      // OpenAI-style refusals quote the key they got ("Incorrect API key provided: sk-…"): it never reaches a message.
      const text = scrubbed(await readText(res.body, MAX_ERROR_BODY), credentialsIn(req.headers));
      failure = statusError(req.who, res.statusCode, text, attempt);
      wait = retryAfterMs(res.headers);
    } catch (err) {
      failure = transportError(req.who, err, http.timeoutMs, attempt, req.signal);
    }
    if (!failure.retryable || attempt > http.maxRetries) throw failure;
    const delay = wait ?? backoffMs(attempt, http.retryBaseMs, http.maxRetryDelayMs);
    if (delay > http.maxRetryDelayMs) throw failure;
    try {
      await sleep(delay, req.signal);
    } catch {
      throw new ProviderError('aborted', `${req.who}: the call was aborted`, { attempts: attempt });
    }
  }
}

export async function readText(body: Dispatcher.ResponseData['body'], limit = 16 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The 2xx body as JSON, or invalid_response. */
export async function readJson<T>(res: Dispatcher.ResponseData, who: string): Promise<T> {
  const text = await readText(res.body);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ProviderError('invalid_response', `${who} did not answer with JSON`, { status: res.statusCode });
  }
}

/** The host part of a URL, for messages (never the path, never a key). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the configured URL';
  }
}
