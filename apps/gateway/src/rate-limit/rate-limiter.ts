import { LOGGER, NATS, NatsHandles } from '@agentry/common';
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

interface LocalShare {
  window: number;
  granted: number;
  used: number;
  /** Total granted to all replicas in this window at our last lease. */
  globalGranted: number;
  exhausted: boolean;
  leasing?: Promise<void>;
}

const WINDOW_MS = 60_000;
const BUCKET = 'agentry_rate_limits';

/**
 * Fixed one-minute windows per subject (the guard counts per workspace), shared by every gateway replica through a NATS JetStream KV
 * bucket. A replica leases a share of the budget (a few percent of the limit) with compare-and-set and
 * spends it locally, so the hot path costs no network round trip until the share runs out.
 * If KV is unreachable the gateway fails open, counting locally, rather than refusing all traffic.
 */
@Injectable()
export class RateLimiter implements OnModuleInit {
  private kv?: KV;
  private readonly shares = new Map<string, LocalShare>();

  constructor(
    @Inject(NATS) private readonly nats: NatsHandles,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.kv = await new Kvm(this.nats.js).create(BUCKET, { ttl: 2 * WINDOW_MS, history: 1 });
  }

  async take(subject: string, limit: number, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / WINDOW_MS);
    const reset = Math.ceil(((window + 1) * WINDOW_MS) / 1000);
    let share = this.shares.get(subject);
    if (!share || share.window !== window) {
      share = { window, granted: 0, used: 0, globalGranted: 0, exhausted: false };
      this.shares.set(subject, share);
      this.evictOld(window);
    }
    while (share.used >= share.granted && !share.exhausted) {
      share.leasing ??= this.lease(subject, share, limit).finally(() => (share!.leasing = undefined));
      await share.leasing;
    }
    if (share.used >= share.granted) {
      return { allowed: false, limit, remaining: 0, reset };
    }
    share.used++;
    const remaining = Math.max(0, limit - share.globalGranted + (share.granted - share.used));
    return { allowed: true, limit, remaining, reset };
  }

  private async lease(subject: string, share: LocalShare, limit: number): Promise<void> {
    const chunk = Math.max(1, Math.min(100, Math.ceil(limit / 50)));
    const key = `${subject.replace(/[^A-Za-z0-9_-]/g, '_')}.${share.window}`;
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
      share.globalGranted = share.granted;
      if (localGrant === 0) share.exhausted = true;
    }
  }

  private evictOld(window: number): void {
    if (this.shares.size < 50_000) return;
    for (const [k, s] of this.shares) if (s.window < window) this.shares.delete(k);
  }
}
