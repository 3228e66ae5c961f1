import { isIP } from 'node:net';

/** What Fastify's `trustProxy` gets: trust no proxy, every proxy, or the listed ones. */
export type TrustProxy = boolean | string[];

/** proxy-addr's names for private ranges (loopback 127/8 and ::1, linklocal, uniquelocal 10/8 172.16/12 192.168/16 fc00::/7). */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

export const TRUST_PROXY_HELP =
  'must be false, true, or a comma-separated list of proxy addresses, CIDR ranges, loopback, linklocal or uniquelocal ' +
  '(a hop count is not supported: Fastify then trusts no proxy, since it cannot check the peer)';

/**
 * Reads GATEWAY_TRUST_PROXY. `false` (the default): the client address is the socket's peer and
 * X-Forwarded-For is ignored. `true`: the header is believed from anyone, so only behind a proxy every
 * request goes through. A list: the header is believed only from those peers (and hops), which is the
 * safe setting behind a load balancer or an ingress. Null when the value is none of these.
 */
export function parseTrustProxy(raw: string): TrustProxy | null {
  const value = raw.trim().toLowerCase();
  if (value === 'false') return false;
  if (value === 'true') return true;
  const entries = value.split(',').map((e) => e.trim());
  return entries.length > 0 && entries.every(isProxyEntry) ? entries : null;
}

function isProxyEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= max;
}
