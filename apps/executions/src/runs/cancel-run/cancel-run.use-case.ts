import { ExecutionsEvents, ExecutionsInternal, ExecutionView, RpcContext, TERMINAL_STATUSES } from '@agentry/contracts';
import { isId, NATS, NatsHandles, Outbox } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { toEventData } from '../../engine/execution-view';
import { ProgressPublisher } from '../../engine/progress-publisher';
import { RunWaiters } from '../../engine/run-waiters';
import { ExecutionsRepository } from '../executions.repository';
import { RunsError } from '../runs.errors';

const HOLDER_TIMEOUT_MS = 5_000;

/**
 * `executions.cancel`. A run nobody holds (queued, waiting on a delay or an approval, between retries)
 * is cancelled in one statement. A run a worker holds is flagged and its holder is asked over NATS to
 * abort the step in flight (an http request, a timer); it records the cancel and answers. If the holder
 * does not answer, the flag stops the run at its next step boundary, or when its claim expires.
 */
@Injectable()
export class CancelRunUseCase {
  constructor(
    private readonly runs: ExecutionsRepository,
    private readonly outbox: Outbox,
    private readonly progress: ProgressPublisher,
    private readonly waiters: RunWaiters,
    @Inject(NATS) private readonly nats: NatsHandles,
  ) {}

  async execute(ctx: RpcContext, id: string): Promise<ExecutionView> {
    if (!isId('exe', id)) throw RunsError.notFound(id);
    for (let round = 0; round < 3; round++) {
      const rec = await this.runs.record(ctx.workspace_id, id);
      if (!rec) throw RunsError.notFound(id);
      if (TERMINAL_STATUSES.includes(rec.status)) {
        if (round === 0) throw RunsError.alreadyFinished(id, rec.status);
        break;
      }
      if (!rec.claim_live) {
        if (await this.cancelUnclaimed(ctx, rec)) break;
        continue; // a worker claimed it meanwhile
      }
      await this.runs.requestCancel(ctx.workspace_id, id);
      await this.askHolder(rec.claimed_by!, id);
    }
    return (await this.runs.view(ctx.workspace_id, id))!;
  }

  private async cancelUnclaimed(ctx: RpcContext, rec: NonNullable<Awaited<ReturnType<ExecutionsRepository['record']>>>): Promise<boolean> {
    const summary = rec.status === 'queued' ? 'Cancelled before it started' : 'Cancelled while waiting';
    const cancelled = { ...rec, status: 'cancelled' as const, summary };
    const event = this.outbox.envelope(ExecutionsEvents.cancelled, ctx.workspace_id, toEventData(cancelled));
    const by = ctx.actor ? ` by ${ctx.actor}` : '';
    const seq = await this.runs.cancelUnclaimed(
      ctx.workspace_id,
      rec.id,
      summary,
      { at: new Date().toISOString(), level: 'warn', step_id: null, message: `Run cancelled${by}`, data: null },
      { id: event.id, subject: ExecutionsEvents.cancelled, payload: event },
    );
    if (seq === null) return false;
    this.outbox.flush();
    const view = await this.runs.view(ctx.workspace_id, rec.id);
    if (view) {
      this.progress.publish([
        { execution_id: rec.id, seq, type: 'status', status: 'cancelled', at: new Date().toISOString(), execution: view },
      ]);
      this.waiters.finished(view);
    }
    return true;
  }

  private async askHolder(worker: string, executionId: string): Promise<void> {
    try {
      await this.nats.nc.request(`${ExecutionsInternal.cancelPrefix}.${worker}`, JSON.stringify({ execution_id: executionId }), {
        timeout: HOLDER_TIMEOUT_MS,
      });
    } catch {
      // The holder is gone or slow: the flag stops the run at its next boundary or claim expiry.
    }
  }
}
