import { RATE_LIMIT_BUCKET } from '@agentry/contracts';
import { LeasedShare, LeasedShares, LOGGER, NATS, NatsHandles, RATE_LIMIT_KV_OPTIONS } from '@agentry/common';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { KV, Kvm } from '@nats-io/kv';
import type { Logger } from 'pino';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds when the window resets. */
  reset: number;
}

interface LocalShare extends LeasedShare {
  /** Total granted to all replicas in this window at our last lease. */
  globalGranted: number;
}

const WINDOW_MS = 60_000;
// deploy/nats/auth.conf lets the gateway use this bucket only.
const BUCKET = RATE_LIMIT_BUCKET;

/**
 * Fixed one-minute windows per subject (the guard counts per workspace), shared by every gateway replica through a NATS JetStream KV
 * bucket. A replica leases a share of the budget (a few percent of the limit) with compare-and-set and
 * spends it locally, leasing the next while half of the last is left (LeasedShares), so the hot path costs no
 * network round trip and does not wait for one.
 * If KV is unreachable the gateway fails open, counting locally, rather than refusing all traffic.
 */
@Injectable()
export class RateLimiter implements OnModuleInit {
  private kv?: KV;
  /** Keyed by `<limit>:<subject>`: a subject whose limit changes starts a share under its new limit. */
  private readonly shares: LeasedShares<LocalShare>;

  constructor(
    @Inject(NATS) private readonly nats: NatsHandles,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.shares = new LeasedShares<LocalShare>(
      (window) => ({ period: window, granted: 0, used: 0, exhausted: false, lastGrant: 0, globalGranted: 0 }),
      (key, share) => {
        const at = key.indexOf(':');
        return this.lease(key.slice(at + 1), share, Number(key.slice(0, at)));
      },
      (err) => this.logger.warn({ err: (err as Error).message }, 'rate limit: leasing ahead failed'),
    );
  }

  async onModuleInit(): Promise<void> {
    this.kv = await new Kvm(this.nats.js).create(BUCKET, RATE_LIMIT_KV_OPTIONS);
  }

  async take(subject: string, limit: number, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / WINDOW_MS);
    const reset = Math.ceil(((window + 1) * WINDOW_MS) / 1000);
    const share = await this.shares.take(`${limit}:${subject}`, window);
    if (!share) return { allowed: false, limit, remaining: 0, reset };
    const remaining = Math.max(0, limit - share.globalGranted + (share.granted - share.used));
    return { allowed: true, limit, remaining, reset };
  }

  private async lease(subject: string, share: LocalShare, limit: number): Promise<void> {
    const chunk = Math.max(1, Math.min(100, Math.ceil(limit / 50)));
    const key = `${subject.replace(/[^A-Za-z0-9_-]/g, '_')}.${share.period}`;
    try {
      for (let attempt = 0; attempt < 10; attempt++) {
        const entry = await this.kv!.get(key);
        const total = entry && entry.length > 0 ? Number(entry.string()) : 0;
        const grant = Math.min(chunk, limit - total);
        if (grant <= 0) {
          share.exhausted = true;
          share.globalGranted = total;
          return;
        }
        try {
          if (entry && entry.length > 0) await this.kv!.update(key, String(total + grant), entry.revision);
          else await this.kv!.create(key, String(total + grant));
          share.granted += grant;
          share.lastGrant = grant;
          share.globalGranted = total + grant;
          return;
        } catch {
          // another replica moved the counter first: read again
        }
      }
      share.exhausted = true; // heavy contention: refuse rather than overshoot
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'rate limit store unavailable; counting locally');
      const localGrant = Math.max(0, Math.min(chunk, limit - share.granted));
      share.granted += localGrant;
      share.lastGrant = localGrant;
      share.globalGranted = share.granted;
      if (localGrant === 0) share.exhausted = true;
    }
  }
}
