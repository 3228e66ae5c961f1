import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import { Gauge } from 'prom-client';
import { TokenBucket } from './token-bucket';

const openBreakers = new Gauge({
  name: 'agentry_webhooks_open_breakers',
  help: 'Webhook targets whose circuit breaker is open or half-open',
});

/** Thrown inside the breaker for the failures that count toward opening it; carries the attempt's result. */
export class BreakerFailure<R> extends Error {
  constructor(readonly result: R) {
    super('delivery attempt failed');
  }
}

export function isBreakerRejection(err: unknown): boolean {
  return (err as { code?: string })?.code === 'EOPENBREAKER';
}

/** In-flight window of a target not yet seen answering: a dead endpoint holds this few slots until its first timeout. */
export const INITIAL_WINDOW = 2;

export interface TargetRegistryOptions {
  maxInFlightPerTarget: number;
  breakerThreshold: number;
  breakerResetMs: number;
  /** A breaker went half-open: a probe may be claimed now. */
  onProbeAllowed: () => void;
  onStateChange?: (key: string, state: 'open' | 'half_open' | 'closed') => void;
}

/** Buckets never rotate: opossum's rolling window is unused (we open on consecutive failures). */
const noRotation = new EventEmitter();

/** What the dispatcher knows about one target (an endpoint, or the host of run callbacks). */
export class TargetState {
  inflight = 0;
  consecutiveFailures = 0;
  /**
   * Attempts it may have in flight: starts small, doubles with each answer up to the maximum, drops to
   * one after a timeout or network error (slow start, as TCP does), so a slow endpoint holds few slots.
   */
  window = INITIAL_WINDOW;
  lastUsed = Date.now();
  bucket?: TokenBucket;
  readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;

  constructor(
    readonly key: string,
    private readonly options: TargetRegistryOptions,
  ) {
    this.breaker = new CircuitBreaker((task: () => Promise<unknown>) => task(), {
      timeout: false,
      resetTimeout: options.breakerResetMs,
      // opossum's percentage rule never fires; we open on consecutive failures (below)
      volumeThreshold: Number.MAX_SAFE_INTEGER,
      enableSnapshots: false,
      rotateBucketController: noRotation,
      name: key,
    });
    this.breaker.on('success', () => {
      this.consecutiveFailures = 0;
      this.window = Math.min(options.maxInFlightPerTarget, this.window * 2);
    });
    this.breaker.on('failure', () => {
      this.consecutiveFailures++;
      if (this.breaker.closed && this.consecutiveFailures >= options.breakerThreshold) this.breaker.open();
    });
    this.breaker.on('open', () => this.changed('open'));
    this.breaker.on('halfOpen', () => {
      this.changed('half_open');
      options.onProbeAllowed();
    });
    this.breaker.on('close', () => this.changed('closed'));
  }

  private changed(state: 'open' | 'half_open' | 'closed'): void {
    if (state === 'open') openBreakers.inc();
    if (state === 'closed') openBreakers.dec();
    this.options.onStateChange?.(this.key, state);
  }

  /** It timed out or could not be reached: one attempt at a time until it answers again. */
  slowedDown(): void {
    this.window = 1;
  }

  /** Attempts this target may start now. Open: none; half-open: one probe; otherwise its window. */
  capacity(): number {
    if (this.breaker.opened) return 0;
    if (this.breaker.halfOpen) return this.breaker.pendingClose && this.inflight === 0 ? 1 : 0;
    let cap = Math.min(this.window, this.options.maxInFlightPerTarget) - this.inflight;
    if (this.bucket) cap = Math.min(cap, this.bucket.available());
    return Math.max(0, cap);
  }

  setRateLimit(perSecond: number | null): void {
    if (!perSecond) this.bucket = undefined;
    else if (!this.bucket) this.bucket = new TokenBucket(perSecond);
    else this.bucket.ratePerSecond = perSecond;
  }

  /** Back to a clean slate (an endpoint was enabled again by a user). */
  reset(): void {
    this.consecutiveFailures = 0;
    this.window = INITIAL_WINDOW;
    this.breaker.close();
  }

  get idle(): boolean {
    return this.inflight === 0 && this.breaker.closed && this.consecutiveFailures === 0;
  }

  shutdown(): void {
    if (!this.breaker.closed) openBreakers.dec();
    this.breaker.shutdown();
  }
}

/** Per-target state of this replica: concurrency, circuit breaker, rate limit. */
export class TargetRegistry {
  private readonly targets = new Map<string, TargetState>();

  constructor(private readonly options: TargetRegistryOptions) {}

  get(key: string): TargetState {
    let t = this.targets.get(key);
    if (!t) {
      t = new TargetState(key, this.options);
      this.targets.set(key, t);
    }
    t.lastUsed = Date.now();
    return t;
  }

  peek(key: string): TargetState | undefined {
    return this.targets.get(key);
  }

  /**
   * For the claim query: targets that may take nothing now, and the capacity of every other known
   * target that differs from `INITIAL_WINDOW` (the claim's default for targets this replica has not seen).
   */
  limits(): { blocked: string[]; capacities: Record<string, number> } {
    const blocked: string[] = [];
    const capacities: Record<string, number> = {};
    for (const [key, t] of this.targets) {
      const cap = t.capacity();
      if (cap === 0) blocked.push(key);
      else if (cap !== INITIAL_WINDOW) capacities[key] = cap;
    }
    return { blocked, capacities };
  }

  /** Forgets targets idle for a while, so the map does not grow with every endpoint ever seen. */
  sweep(idleMs: number): void {
    const before = Date.now() - idleMs;
    for (const [key, t] of this.targets) {
      if (t.idle && t.lastUsed < before) {
        t.shutdown();
        this.targets.delete(key);
      }
    }
  }

  shutdown(): void {
    for (const t of this.targets.values()) t.shutdown();
    this.targets.clear();
  }
}
