import { ExecutionsInternal } from '@agentry/contracts';
import { LOGGER, NATS, NatsHandles, randomToken, SERVICE_CONFIG, waitAtMost } from '@agentry/common';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import { ExecutionsConfig } from '../config/executions.config';
import { AgentCatalogRepository } from '../catalog/agent-catalog.repository';
import { CompiledDefinition } from './definition/compiled-definition';
import { DefinitionCache } from './definition/definition-cache';
import { ActiveRun, ExecuteResult, RunExecutor } from './run-executor';
import { ExecutionRecord, StepRecord } from './run-record';
import { ClaimedRun, RunStore } from './run-store';
import { RunWaiters } from './run-waiters';

const inflightGauge = new Gauge({ name: 'agentry_executions_inflight_runs', help: 'Runs this process executes now' });

/** A run this process inserted already claimed (start_runs): what it needs to execute it without reading it back. */
export interface AdoptedRun {
  exe: ExecutionRecord;
  def: CompiledDefinition;
  token: string;
  /** The insert wrote the run's start too (StartRunsWriteStart). */
  startWritten: boolean;
}

/**
 * How often the run_slot_releases queue is vacuumed. Every start batch reads it whole to fold it; between
 * autovacuum rounds (a minute) its dead rows would pile up by the hundred thousand under load.
 */
const SLOT_RELEASES_VACUUM_MS = 5_000;

/** Horizon of local wake-up timers; later wake-ups are found by the poll. */
const TIMER_HORIZON_MS = 10 * 60_000;

/**
 * Claims due runs from Postgres (claim_runs: SKIP LOCKED under the concurrency limits) and executes
 * them, up to WORKER_CONCURRENCY at once. It is woken by runs it accepted itself, by `executions.wake`
 * from any replica, by local timers for wake-ups it knows of, and by a slow poll (the safety net).
 * Heartbeats keep its claims alive; on shutdown it stops claiming, lets runs finish within the grace
 * period, hands the rest back, and answers the sync callers still waiting here with their runs as they
 * stand, all while the RPC server can still send those answers (before Nest closes it).
 */
/**
 * A replica's id, one NATS token (`executions.runner.cancel.<id>`): a dotted host name (`ip-10-0-0-1.ec2.internal`)
 * would make it several, which the `executions.runner.cancel.*` permission does not match, and a wildcard or a space
 * would break the subject.
 */
export function workerId(host: string, pid: number, suffix: string): string {
  return `${host.replace(/[.*>\s]/g, '_')}-${pid}-${suffix}`;
}

@Injectable()
export class Worker implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly id = workerId(hostname(), process.pid, randomBytes(3).toString('hex'));
  private readonly inflight = new Map<string, { run: ActiveRun; done: Promise<void> }>();
  /** Slots promised to starts whose insert (and claim) is in flight. */
  private reserved = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly subs: Subscription[] = [];
  private claiming: Promise<void> | null = null;
  private again = false;
  private saturated = false;
  /** Runs may wait in the queue for a slot: look again whenever a run here ends. */
  private backlog = false;
  private stopping = false;
  private pollTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private vacuumTimer?: NodeJS.Timeout;
  private draining?: Promise<void>;

  constructor(
    private readonly store: RunStore,
    private readonly executor: RunExecutor,
    private readonly definitions: DefinitionCache,
    private readonly agents: AgentCatalogRepository,
    @Inject(NATS) private readonly nats: NatsHandles,
    @Inject(SERVICE_CONFIG) private readonly config: ExecutionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly waiters: RunWaiters,
  ) {}

  onApplicationBootstrap(): void {
    this.subs.push(this.nats.nc.subscribe(ExecutionsInternal.wake, { callback: () => this.kick() }));
    this.subs.push(
      this.nats.nc.subscribe(`${ExecutionsInternal.cancelPrefix}.${this.id}`, {
        callback: (err, msg) => {
          if (err) return;
          void this.cancelLocal(msg.json<{ execution_id: string }>().execution_id).then((found) => msg.respond(JSON.stringify({ found })));
        },
      }),
    );
    this.pollTimer = setInterval(() => this.kick(), this.config.POLL_INTERVAL_MS);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), Math.max(200, Math.floor(this.config.CLAIM_TTL_MS / 3)));
    this.vacuumTimer = setInterval(() => void this.store.vacuumSlotReleases().catch(() => undefined), SLOT_RELEASES_VACUUM_MS);
    this.vacuumTimer.unref();
    this.kick();
  }

  /** Before Nest closes the RPC server: the answers to sync callers of the runs here must still go out. */
  beforeApplicationShutdown(): Promise<void> {
    this.draining ??= this.drain();
    return this.draining;
  }

  onApplicationShutdown(): Promise<void> {
    this.draining ??= this.drain();
    return this.draining;
  }

  private async drain(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pollTimer);
    clearInterval(this.heartbeatTimer);
    clearInterval(this.vacuumTimer);
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.subs) s.unsubscribe();
    await this.claiming;
    const pending = [...this.inflight.values()].map((f) => f.done);
    const grace = Math.max(0, this.config.SHUTDOWN_GRACE_MS - 1_000);
    await waitAtMost(Promise.allSettled(pending), grace);
    for (const { run } of this.inflight.values()) run.stop.abort(new Error('shutdown'));
    await Promise.allSettled([...this.inflight.values()].map((f) => f.done));
    // The runs still going were handed back: their sync callers get them as they stand (a 202), now, not at
    // their wait timeout.
    this.waiters.closeAll();
  }

  /**
   * A claim for a run about to be inserted (start_runs claims it for this worker if the limits allow), or null
   * when this worker is full or stopping. Call `adopt` or `unreserve` once the insert answered.
   */
  reserve(): { worker: string; token: string; ttlMs: number } | null {
    if (this.stopping || this.inflight.size + this.reserved >= this.config.WORKER_CONCURRENCY) return null;
    this.reserved++;
    return { worker: this.id, token: randomToken(), ttlMs: this.config.CLAIM_TTL_MS };
  }

  /** The insert did not claim the run (full limits, or a queue ahead of it): it waits for claim_runs. */
  unreserve(queued = false): void {
    this.reserved = Math.max(0, this.reserved - 1);
    if (queued) this.backlog = true;
  }

  /** Executes a run inserted already claimed by this worker. */
  adopt(run: AdoptedRun): void {
    this.unreserve();
    if (this.stopping) {
      // Shutting down after the insert claimed it: hand it back at once rather than leave it to its claim's expiry.
      void this.store.release([run.exe.id], this.id).catch(() => undefined);
      return;
    }
    this.launch({ ...this.newActive(run.exe, [], run.def, run.token, false), startWritten: run.startWritten });
  }

  /** Asks every replica to look for due work (a decision made a run due, or this one is full). */
  wakeAll(): void {
    if (!this.nats.nc.isClosed()) this.nats.nc.publish(ExecutionsInternal.wake, '');
  }

  kick(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = this.claimLoop().finally(() => (this.claiming = null));
  }

  private async claimLoop(): Promise<void> {
    try {
      do {
        this.again = false;
        const room = this.config.WORKER_CONCURRENCY - this.inflight.size - this.reserved;
        if (room <= 0) {
          this.saturated = true;
          return;
        }
        const batch = Math.min(room, this.config.CLAIM_BATCH_SIZE);
        const token = randomToken();
        const claimed = await this.store.claim(batch, this.id, token, this.config.CLAIM_TTL_MS);
        this.saturated = claimed.length >= batch;
        if (claimed.length === 0) this.backlog = false;
        if (claimed.length) await this.startRuns(claimed, token);
        if (this.saturated) this.again = true;
      } while (this.again && !this.stopping);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'claiming runs failed; the next poll retries');
    }
  }

  private async startRuns(claimed: ClaimedRun[], token: string): Promise<void> {
    const toLoad = claimed.map((c) => c.id);
    const loaded = await this.store.load(toLoad);
    const statuses = new Map(claimed.map((c) => [c.id, c.previous_status]));
    for (const { exe, steps } of loaded) {
      const def = await this.definitionFor(exe);
      if (!def) {
        this.logger.error({ execution_id: exe.id, agent_id: exe.agent_id }, 'the definition of a claimed run is missing; releasing it');
        await this.store.release([exe.id], this.id);
        continue;
      }
      this.launch(this.newActive(exe, steps, def, token, statuses.get(exe.id) !== 'queued'));
    }
  }

  private newActive(exe: ExecutionRecord, steps: StepRecord[], def: CompiledDefinition, token: string, resumed: boolean): ActiveRun {
    return {
      exe,
      steps: new Map(steps.map((s) => [s.position, s])),
      def,
      token,
      resumed,
      cancel: new AbortController(),
      stop: new AbortController(),
    };
  }

  private async definitionFor(exe: ExecutionRecord): Promise<CompiledDefinition | null> {
    const cached = this.definitions.get(exe.agent_id, exe.agent_version);
    if (cached) return cached;
    const raw = await this.agents.definition(exe.agent_id, exe.agent_version);
    return raw ? this.definitions.compile(exe.agent_id, exe.agent_version, raw) : null;
  }

  private launch(run: ActiveRun): void {
    const done = this.executor
      .execute(run)
      .then((result) => this.afterRun(run, result))
      .catch((err) => this.logger.error({ err, execution_id: run.exe.id }, 'worker: run failed unexpectedly'))
      .finally(() => {
        // The same run may already be back here under a new claim (a short backoff): keep that entry.
        if (this.inflight.get(run.exe.id)?.run === run) this.inflight.delete(run.exe.id);
        inflightGauge.set(this.inflight.size);
        if (this.saturated || this.backlog) this.kick();
      });
    this.inflight.set(run.exe.id, { run, done });
    inflightGauge.set(this.inflight.size);
  }

  private async afterRun(run: ActiveRun, result: ExecuteResult): Promise<void> {
    if (result.handBack) {
      await this.store.release([run.exe.id], this.id);
      return;
    }
    if (result.wakeAt) this.wakeAt(result.wakeAt);
  }

  /** A local timer for a wake-up this process knows of; the poll covers it if this process dies. */
  private wakeAt(at: Date): void {
    const ms = at.getTime() - Date.now();
    if (ms > TIMER_HORIZON_MS || this.stopping) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.kick();
      },
      Math.max(0, ms) + 5,
    );
    this.timers.add(timer);
  }

  /** Aborts a run held here (cancel), waiting until the executor has recorded it. */
  private async cancelLocal(executionId: string): Promise<boolean> {
    const f = this.inflight.get(executionId);
    if (!f) return false;
    f.run.cancel.abort(new Error('cancelled'));
    await f.done;
    return true;
  }

  private async heartbeat(): Promise<void> {
    const ids = [...this.inflight.keys()];
    if (ids.length === 0) return;
    try {
      const held = new Set(await this.store.heartbeat(ids, this.id, this.config.CLAIM_TTL_MS));
      for (const id of ids) {
        const f = this.inflight.get(id);
        if (f && !held.has(id) && !f.run.stop.signal.aborted) {
          this.logger.warn({ execution_id: id }, 'heartbeat: claim lost, stopping the run here');
          f.run.stop.abort(new Error('claim lost'));
        }
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'heartbeat failed');
    }
  }
}
