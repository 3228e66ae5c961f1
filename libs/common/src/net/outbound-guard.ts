import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, buildConnector, Dispatcher, request } from 'undici';

/**
 * The SSRF guard for every outbound call a user can aim (connection tests, the http step, webhooks):
 * http(s) only, and no loopback, private, link-local (cloud metadata), CGNAT, multicast or reserved
 * address unless the operator sets AGENTRY_ALLOW_PRIVATE_NETWORKS=true. The check runs on the IP a
 * name resolves to at connect time, so DNS rebinding cannot slip past a check made earlier.
 */
export interface OutboundPolicy {
  allowPrivateNetworks: boolean;
}

/** `redirect`: a client that refuses redirects met one (the MCP transport). */
export type OutboundFailureKind = 'invalid_url' | 'blocked' | 'timeout' | 'network' | 'too_large' | 'redirect';

/** Messages name the host, never the path or query (which may carry credentials). */
export class OutboundError extends Error {
  constructor(
    readonly kind: OutboundFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

const V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const;
const V6 = [
  ['::', 96], // unspecified, loopback and IPv4-compatible
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT) embeds an IPv4 address too
  ['64:ff9b::', 96], // NAT64 reaches IPv4 behind it
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4 embeds an IPv4 address
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const;

const blocked = new BlockList();
for (const [net, prefix] of V4) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of V6) blocked.addSubnet(net, prefix, 'ipv6');

/** True for an address outbound calls must not reach by default (IPv4-mapped IPv6 is judged as its IPv4). Non-IPs are refused too. */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 0) return true;
  return blocked.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

function blockedError(host: string): OutboundError {
  return new OutboundError(
    'blocked',
    `Refused to connect to ${host}: it is a private, loopback or link-local address (an operator may allow it with AGENTRY_ALLOW_PRIVATE_NETWORKS=true)`,
  );
}

/** Parses and checks a URL before any request: http(s), no credentials in it, no private IP literal. */
export function checkOutboundUrl(raw: string | URL, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new OutboundError('invalid_url', 'Not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundError('invalid_url', 'Only http and https URLs are allowed');
  if (url.username || url.password) throw new OutboundError('invalid_url', 'URLs must not carry credentials; use the connection config');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivateNetworks && isIP(host) !== 0 && isPrivateAddress(host)) throw blockedError(host);
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for net/tls connect that resolves every address of a name and refuses if any is private. */
export function guardedLookup(policy: OutboundPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      if (!policy.allowPrivateNetworks && list.some((a) => isPrivateAddress(a.address))) {
        return callback(Object.assign(blockedError(hostname), { code: 'EOUTBOUNDBLOCKED' }) as NodeJS.ErrnoException, []);
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      return first
        ? callback(null, first.address, first.family)
        : callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    });
  };
}

const agents = new Map<string, Agent>();

/**
 * One keep-alive agent per policy, with the guarded lookup and the check of the address actually
 * connected to: an IP literal never goes through a lookup, so a redirect to one (fetch follows them)
 * or a caller that skipped checkOutboundUrl is still refused here.
 */
export function outboundDispatcher(policy: OutboundPolicy): Dispatcher {
  const key = String(policy.allowPrivateNetworks);
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connect: guardedConnector(policy, 10_000), keepAliveTimeout: 4_000 });
    agents.set(key, agent);
  }
  return agent;
}

/** A connector that resolves through the guarded lookup and checks the socket's remote address before the first byte. */
function guardedConnector(policy: OutboundPolicy, timeout: number): buildConnector.connector {
  const base = buildConnector({ lookup: guardedLookup(policy) as never, timeout });
  return (opts, callback) =>
    base(opts, (...args) => {
      const [err, socket] = args;
      if (err || !socket) return callback(...args);
      const remote = socket.remoteAddress;
      if (!policy.allowPrivateNetworks && (!remote || isPrivateAddress(remote))) {
        socket.destroy();
        return callback(Object.assign(blockedError(opts.hostname), { code: 'EOUTBOUNDBLOCKED' }), null);
      }
      return callback(null, socket);
    });
}

export interface OutboundAgentOptions {
  /** Open connections per origin (the pool's size); unlimited when omitted. */
  connectionsPerOrigin?: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/**
 * A keep-alive agent of the caller's own (webhooks pools per origin) that checks twice on every new
 * connection: the guarded lookup refuses private answers, and the socket's remote address, the one
 * actually connected to, is checked again before the first byte is sent.
 */
export function createOutboundAgent(policy: OutboundPolicy, options: OutboundAgentOptions = {}): Agent {
  return new Agent({
    connect: guardedConnector(policy, options.connectTimeoutMs ?? 10_000),
    connections: options.connectionsPerOrigin ?? null,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
  });
}

/** Any error of an outbound call as an OutboundError (blocked, timeout, network). */
export function toOutboundError(err: unknown, url: URL, timeoutMs: number): OutboundError {
  return classify(err, url, timeoutMs);
}

export interface OutboundRequest {
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: string;
  /** Whole request, headers and body included. */
  timeoutMs: number;
  /** Larger responses fail with `too_large`; default 1 MiB. */
  maxResponseBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text(): string;
  /** The parsed JSON body, or undefined when it is not JSON. */
  json<T = unknown>(): T | undefined;
}

function originOf(url: URL): string {
  return url.host;
}

function classify(err: unknown, url: URL, timeoutMs: number): OutboundError {
  if (err instanceof OutboundError) return err;
  const e = err as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code;
  if (code === 'EOUTBOUNDBLOCKED' || (err as Error)?.message?.startsWith('Refused to connect')) {
    return blockedError(url.hostname);
  }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || /TIMEOUT/.test(code ?? '')) {
    return new OutboundError('timeout', `${originOf(url)} did not answer within ${timeoutMs} ms`);
  }
  const why = code ?? 'connection failed';
  return new OutboundError('network', `Could not reach ${originOf(url)} (${why})`);
}

/** An HTTP request through the guard, with an overall timeout and a response size cap. Redirects are not followed. */
export async function outboundRequest(rawUrl: string | URL, req: OutboundRequest, policy: OutboundPolicy): Promise<OutboundResponse> {
  const url = checkOutboundUrl(rawUrl, policy);
  const limit = req.maxResponseBytes ?? 1024 * 1024;
  const signal = AbortSignal.timeout(req.timeoutMs);
  try {
    const res = await request(url, {
      method: req.method ?? 'GET',
      headers: req.headers,
      body: req.body,
      signal,
      dispatcher: outboundDispatcher(policy),
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        res.body.destroy();
        throw new OutboundError('too_large', `The response from ${originOf(url)} is larger than ${limit} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const headers = Object.fromEntries(
      Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v ?? '')]),
    );
    return {
      status: res.statusCode,
      headers,
      body,
      text: () => body.toString('utf8'),
      json: <T>() => {
        try {
          return JSON.parse(body.toString('utf8')) as T;
        } catch {
          return undefined;
        }
      },
    };
  } catch (err) {
    throw classify(err, url, req.timeoutMs);
  }
}
