import { ErrorCode } from '@agentry/contracts';
import { AppError, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { isIPv6 } from 'node:net';
import { GatewayConfig } from '../config/gateway.config';

const WINDOW_MS = 60_000;
/** Memory bound: a flood from many addresses forgets the oldest counters first. */
const MAX_ADDRESSES = 50_000;

interface Counter {
  window: number;
  failures: number;
}

/**
 * Failed authentications per client address per minute (AUTH_FAILURES_PER_MINUTE), in this process:
 * with N replicas an address gets up to N times the budget. Fixed one-minute windows. IPv6 addresses
 * count per /64, the block one subscriber usually holds, so rotating addresses does not reset it.
 */
@Injectable()
export class AuthFailureBudget {
  private readonly counters = new Map<string, Counter>();
  private readonly limit: number;

  constructor(@Inject(SERVICE_CONFIG) config: Pick<GatewayConfig, 'AUTH_FAILURES_PER_MINUTE'>) {
    this.limit = config.AUTH_FAILURES_PER_MINUTE;
  }

  /** Seconds until this address may try again; 0 while it is within its budget. */
  retryAfter(address: string | undefined, now = Date.now()): number {
    if (this.limit === 0 || !address) return 0;
    const window = Math.floor(now / WINDOW_MS);
    const counter = this.counters.get(clientKey(address));
    if (!counter || counter.window !== window || counter.failures < this.limit) return 0;
    return Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
  }

  /** The 429 for an address past its budget, with the Retry-After value to send; null while within it. */
  refusal(address: string | undefined, now = Date.now()): { retryAfter: number; error: AppError } | null {
    const wait = this.retryAfter(address, now);
    if (wait === 0) return null;
    return {
      retryAfter: wait,
      error: new AppError(ErrorCode.RATE_LIMITED, `Too many failed authentications from this address; try again in ${wait} s`),
    };
  }

  fail(address: string | undefined, now = Date.now()): void {
    if (this.limit === 0 || !address) return;
    const window = Math.floor(now / WINDOW_MS);
    const key = clientKey(address);
    const counter = this.counters.get(key);
    if (counter && counter.window === window) {
      counter.failures++;
      return;
    }
    this.counters.delete(key);
    if (this.counters.size >= MAX_ADDRESSES) this.evict(window);
    this.counters.set(key, { window, failures: 1 });
  }

  private evict(window: number): void {
    for (const [k, c] of this.counters) if (c.window !== window) this.counters.delete(k);
    if (this.counters.size >= MAX_ADDRESSES) this.counters.delete(this.counters.keys().next().value as string);
  }
}

/** The address itself, or for IPv6 its /64 (`2001:db8:1:2::/64`); IPv4-mapped IPv6 is read as IPv4. */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
