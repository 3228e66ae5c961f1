import { LOGGER, Logger, Outbox, SERVICE_CONFIG, waitAtMost } from '@agentry/common';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { WebhooksConfig } from '../config/webhooks.config';
import { EndpointDisabler } from '../endpoints/endpoint-disabler';
import { attemptHeaders } from '../signing/signature';
import { SecretSealer } from '../signing/secret-sealer';
import { SigningSecrets } from '../signing/webhook-secret';
import { CompletionWriter } from './completion-writer';
import { ClaimedDelivery, DispatchRepository } from './dispatch.repository';
import { AttemptResult, HttpSender } from './http-sender';
import { decide, giveUpUpdate, handBackUpdate } from './outcome';
import { parseDurations, RetryPolicy } from './retry-policy';
import { BreakerFailure, INITIAL_WINDOW, isBreakerRejection, TargetRegistry, TargetState } from './target-registry';

const attempts = new Counter({ name: 'agentry_webhooks_attempts_total', help: 'Webhook delivery attempts', labelNames: ['outcome'] });
const attemptSeconds = new Histogram({
  name: 'agentry_webhooks_attempt_seconds',
  help: 'Webhook delivery attempt latency',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
});
const inFlight = new Gauge({ name: 'agentry_webhooks_in_flight', help: 'Webhook delivery attempts in flight' });

/** Lease beyond the attempt timeout: time to write the result before another replica may take it. */
const LEASE_MARGIN_MS = 15_000;
const SWEEP_MS = 60_000;
const PURGE_MS = 3600_000;

/** Breaker failures: the receiver is down, slow or overloaded (not: it answered 4xx, or we refused the address). */
function countsAgainstBreaker(r: AttemptResult): boolean {
  if (r.kind === 'timeout' || r.kind === 'network') return true;
  return r.kind === 'http_error' && r.statusCode !== null && (r.statusCode >= 500 || r.statusCode === 429);
}

/**
 * Claims due deliveries from Postgres and attempts them with bounded concurrency, overall and per
 * target (a window that grows as the target answers), behind a per-target circuit breaker. Attempts run
 * concurrently and never wait on each other, and each claim serves every target's oldest delivery before
 * anyone's second, so a dead endpoint holds two slots at most (one after its first timeout) until its
 * breaker opens and its deliveries wait without using up their attempts.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  private inflight = 0;
  private round?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private hint?: { at: number; timer: NodeJS.Timeout };
  private soon = false;
  private housekeeping: NodeJS.Timeout[] = [];
  private readonly tasks = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly registry: TargetRegistry;
  private readonly sender: HttpSender;
  private readonly writer: CompletionWriter;
  private readonly retry: RetryPolicy;

  constructor(
    ds: DataSource,
    private readonly repo: DispatchRepository,
    private readonly sealer: SecretSealer,
    disabler: EndpointDisabler,
    outbox: Outbox,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) private readonly config: WebhooksConfig,
  ) {
    this.registry = new TargetRegistry({
      maxInFlightPerTarget: config.WEBHOOKS_MAX_IN_FLIGHT_PER_ENDPOINT,
      breakerThreshold: config.WEBHOOKS_BREAKER_THRESHOLD,
      breakerResetMs: config.WEBHOOKS_BREAKER_RESET_MS,
      onProbeAllowed: () => this.wake(),
      onStateChange: (target, state) => logger.info({ target, state }, 'webhooks: circuit breaker changed'),
    });
    this.sender = new HttpSender(
      { allowPrivateNetworks: config.AGENTRY_ALLOW_PRIVATE_NETWORKS },
      { timeoutMs: config.WEBHOOKS_TIMEOUT_MS, connectionsPerOrigin: config.WEBHOOKS_MAX_IN_FLIGHT_PER_ENDPOINT },
    );
    this.retry = new RetryPolicy({
      schedule: parseDurations(config.WEBHOOKS_RETRY_SCHEDULE),
      jitter: config.WEBHOOKS_RETRY_JITTER,
      maxRetryAfterMs: config.WEBHOOKS_MAX_RETRY_AFTER_MS,
    });
    this.writer = new CompletionWriter(ds, repo, disabler, outbox, logger, config.WEBHOOKS_DISABLE_AFTER_MS, (endpoints) =>
      logger.warn({ endpoints: endpoints.map((e) => e.id) }, 'webhooks: endpoints disabled'),
    );
  }

  get retryPolicy(): RetryPolicy {
    return this.retry;
  }

  onApplicationBootstrap(): void {
    if (!this.config.WEBHOOKS_DISPATCHER_ENABLED) return;
    this.running = true;
    this.housekeeping = [setInterval(() => this.registry.sweep(10 * 60_000), SWEEP_MS), setInterval(() => void this.purge(), PURGE_MS)];
    for (const t of this.housekeeping) t.unref();
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of [this.timer, this.hint?.timer, ...this.housekeeping]) if (t) clearTimeout(t);
    await this.round;
    // in-flight attempts may finish within the grace period; the rest are handed back untried
    const grace = Math.max(0, this.config.SHUTDOWN_GRACE_MS - 1_000);
    const all = Promise.allSettled([...this.tasks]);
    await waitAtMost(all, grace);
    this.stopping.abort();
    await all;
    await this.writer.drain();
    this.registry.shutdown();
    await this.sender.close();
  }

  /** Look for due deliveries now (new messages, a retry requested, a slot freed, a breaker half-open). */
  wake(): void {
    if (!this.running) return;
    if (this.round) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.round = this.claimRound().finally(() => {
      this.round = undefined;
      if (!this.running) return;
      if (this.again) {
        this.again = false;
        this.wake();
      } else {
        this.timer = setTimeout(() => this.wake(), this.config.WEBHOOKS_POLL_INTERVAL_MS);
      }
    });
  }

  /** A user enabled an endpoint again: forget its breaker and failure streak on this replica. */
  resetTarget(key: string): void {
    this.registry.peek(key)?.reset();
  }

  private wakeSoon(): void {
    if (this.soon) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      this.wake();
    });
  }

  /** A retry due before the next poll: wake for it. */
  private wakeAt(at: number): void {
    if (!this.running || at - Date.now() > this.config.WEBHOOKS_POLL_INTERVAL_MS) return;
    if (this.hint && this.hint.at <= at) return;
    if (this.hint) clearTimeout(this.hint.timer);
    const timer = setTimeout(
      () => {
        this.hint = undefined;
        this.wake();
      },
      Math.max(0, at - Date.now()),
    );
    this.hint = { at, timer };
  }

  private async claimRound(): Promise<void> {
    try {
      for (;;) {
        const free = this.config.WEBHOOKS_MAX_IN_FLIGHT - this.inflight;
        if (free <= 0 || !this.running) return;
        const { blocked, capacities } = this.registry.limits();
        const claimed = await this.repo.claim({
          blocked,
          capacities,
          perTarget: Math.min(INITIAL_WINDOW, this.config.WEBHOOKS_MAX_IN_FLIGHT_PER_ENDPOINT),
          limit: free,
          leaseMs: this.config.WEBHOOKS_TIMEOUT_MS + LEASE_MARGIN_MS,
          leaseId: randomUUID(),
        });
        if (claimed.length === 0) return;
        await this.start(claimed);
        if (claimed.length < free) return;
      }
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'webhooks: claiming due deliveries failed');
    }
  }

  private async start(claimed: ClaimedDelivery[]): Promise<void> {
    const targets = claimed.map((d) => {
      const t = this.registry.get(d.targetKey);
      t.inflight++;
      return t;
    });
    this.inflight += claimed.length;
    inFlight.set(this.inflight);
    let signers = new Map<string, SigningSecrets>();
    try {
      const callbackWorkspaces = [...new Set(claimed.filter((d) => d.callbackUrl).map((d) => d.workspaceId))];
      signers = await this.repo.callbackSigners(callbackWorkspaces);
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'webhooks: loading callback secrets failed');
    }
    claimed.forEach((d, i) => {
      const target = targets[i];
      const task = this.attempt(d, target, signers)
        .catch((err) => this.logger.error({ err: (err as Error).message, delivery_id: d.id }, 'webhooks: attempt crashed'))
        .finally(() => {
          target.inflight--;
          this.inflight--;
          inFlight.set(this.inflight);
          this.tasks.delete(task);
          this.wakeSoon();
        });
      this.tasks.add(task);
    });
  }

  private async attempt(d: ClaimedDelivery, target: TargetState, signers: Map<string, SigningSecrets>): Promise<void> {
    const endpoint = d.endpoint;
    let secrets: SigningSecrets | undefined;
    if (d.endpointId) {
      if (!endpoint) return; // deleted meanwhile: its deliveries went with it
      if (endpoint.status !== 'enabled') return this.giveUp(d, 'Endpoint disabled');
      target.setRateLimit(endpoint.rateLimitPerSecond);
      secrets = { current: endpoint.secret, previous: endpoint.previousSecret, previousExpiresAt: endpoint.previousSecretExpiresAt };
    } else {
      secrets = signers.get(d.workspaceId);
      if (!secrets) return this.handBack(d);
    }
    // a secret that does not open throws: logged, and the delivery comes due again when its lease ends
    const signing = this.sealer.activeSecrets(secrets, { workspaceId: d.workspaceId, endpointId: d.endpointId });
    await this.takeToken(target);
    const url = endpoint?.url ?? d.callbackUrl!;
    const body = Buffer.from(d.payload, 'utf8');
    const headers = attemptHeaders(d, signing, body);
    const startedAt = new Date();
    let result: AttemptResult;
    try {
      result = (await target.breaker.fire(async () => {
        const r = await this.sender.post(url, headers, body, this.stopping.signal);
        if (countsAgainstBreaker(r)) throw new BreakerFailure(r);
        return r;
      })) as AttemptResult;
    } catch (err) {
      if (err instanceof BreakerFailure) result = err.result as AttemptResult;
      else if (isBreakerRejection(err)) return this.handBack(d);
      else throw err;
    }
    if (result.kind === 'aborted') return this.handBack(d);
    if (result.kind === 'timeout' || result.kind === 'network') target.slowedDown();
    attempts.inc({ outcome: result.kind === 'succeeded' ? 'succeeded' : result.kind });
    attemptSeconds.observe(result.latencyMs / 1000);
    const decision = decide(d, result, this.retry, Boolean(d.endpointId));
    if (decision.update.nextAttemptAt) this.wakeAt(decision.update.nextAttemptAt.getTime());
    this.writer.push({
      update: decision.update,
      attempt: {
        deliveryId: d.id,
        startedAt,
        url,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        excerpt: result.excerpt,
        error: result.error,
        outcome: result.kind === 'succeeded' ? 'succeeded' : 'failed',
      },
      endpoint: d.endpointId ? { id: d.endpointId, outcome: decision.endpointOutcome } : undefined,
    });
  }

  private async takeToken(target: TargetState): Promise<void> {
    for (let wait = target.bucket?.take() ?? 0; wait > 0; wait = target.bucket?.take() ?? 0) {
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  private handBack(d: ClaimedDelivery): void {
    this.writer.push({ update: handBackUpdate(d) });
  }

  private giveUp(d: ClaimedDelivery, error: string): void {
    this.writer.push({ update: giveUpUpdate(d, error) });
  }

  private async purge(): Promise<void> {
    try {
      const n = await this.repo.purge(this.config.WEBHOOKS_RETENTION_DAYS);
      if (n) this.logger.info({ messages: n }, 'webhooks: purged messages past retention');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'webhooks: purge failed');
    }
  }
}
