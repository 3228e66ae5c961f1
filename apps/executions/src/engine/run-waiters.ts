import { ExecutionProgressMessage, ExecutionView, progressSubject } from '@agentry/contracts';
import { NATS, NatsHandles } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';

interface Waiter {
  done(view: ExecutionView | null): void;
}

/**
 * Sync runs wait here for their run to finish. A run that finishes in this process resolves its waiters
 * directly; a run that may finish elsewhere (it waited, or another replica claimed it) is also watched
 * on its core NATS progress subject.
 */
@Injectable()
export class RunWaiters {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly remote = new Map<string, Subscription>();
  private closed = false;

  constructor(@Inject(NATS) private readonly nats: NatsHandles) {}

  /** The finished execution, or null when `timeoutMs` passes first (or at once once this process is stopping). */
  wait(executionId: string, timeoutMs: number, watchRemote = false): Promise<ExecutionView | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const set = this.waiters.get(executionId) ?? new Set<Waiter>();
      this.waiters.set(executionId, set);
      const timer = setTimeout(() => waiter.done(null), timeoutMs);
      const waiter: Waiter = {
        done: (view) => {
          clearTimeout(timer);
          set.delete(waiter);
          if (set.size === 0) this.drop(executionId);
          resolve(view);
        },
      };
      set.add(waiter);
      if (watchRemote) this.watchRemote(executionId);
    });
  }

  has(executionId: string): boolean {
    return this.waiters.has(executionId);
  }

  finished(view: ExecutionView): void {
    const set = this.waiters.get(view.id);
    if (!set) return;
    for (const w of [...set]) w.done(view);
  }

  /**
   * This process is stopping and runs no more: every caller still waiting is answered now with null (its run goes
   * on elsewhere or after a restart; the caller answers with the run as it stands), and so is every later one.
   */
  closeAll(): void {
    this.closed = true;
    for (const set of [...this.waiters.values()]) for (const w of [...set]) w.done(null);
  }

  /** The run left this process (suspended, handed over): listen for its end wherever it happens. */
  watchRemote(executionId: string): void {
    if (!this.waiters.has(executionId) || this.remote.has(executionId) || this.nats.nc.isClosed()) return;
    const sub = this.nats.nc.subscribe(progressSubject(executionId), {
      callback: (err, msg) => {
        if (err) return;
        const m = msg.json<ExecutionProgressMessage>();
        if (m.type === 'status' && m.execution) this.finished(m.execution);
      },
    });
    this.remote.set(executionId, sub);
  }

  private drop(executionId: string): void {
    this.waiters.delete(executionId);
    const sub = this.remote.get(executionId);
    if (sub) {
      sub.unsubscribe();
      this.remote.delete(executionId);
    }
  }
}
