import { ErrorCode, ExecutionsRpc, ExecutionStatus } from '@agentry/contracts';
import { AppError, LOGGER } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { SchedulesConfig } from '../config/schedules.config';
import { ServiceRpcClient } from '../rpc/service-rpc.client';
import { Clock } from '../timing/clock';
import { FireHousekeepingRepository, QuietFire } from './fire-housekeeping.repository';
import { firesReconciledTotal, reconcileLookupsTotal } from './housekeeping.metrics';
import { ObservedStatus, RecordRunStatuses } from './record-run-statuses';

/** `executions.get` requests in flight per round. */
const LOOKUP_CONCURRENCY = 8;

type Lookup = { fire: QuietFire; status: ExecutionStatus } | { fire: QuietFire; error: string };

/**
 * The safety net under the executions events: a started fire whose run has sent no news for
 * SCHEDULES_RECONCILE_AFTER_MS is looked up with `executions.get`, and a status that differs from the
 * recorded one is applied (a terminal one ends the fire and updates last_status). Events lost for good
 * (the consumer was down past the stream's retention) then cost a delay, not a schedule stuck in `running`
 * and, for `skip`/`queue`, never firing again.
 */
@Injectable()
export class ReconcileFires {
  constructor(
    private readonly repo: FireHousekeepingRepository,
    private readonly rpc: ServiceRpcClient,
    private readonly record: RecordRunStatuses,
    private readonly clock: Clock,
    @Inject(SchedulesConfig) private readonly config: SchedulesConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Returns how many fires it corrected. */
  async round(keepGoing: () => boolean = () => true): Promise<number> {
    // Statuses are as of now or later: an event that happened after this instant still wins over them.
    const now = this.clock.now();
    const quiet = await this.repo.claimQuiet(
      new Date(now.getTime() - this.config.SCHEDULES_RECONCILE_AFTER_MS),
      now,
      this.config.SCHEDULES_RECONCILE_BATCH_SIZE,
    );
    if (quiet.length === 0) return 0;
    const lookups = await this.lookUp(quiet, keepGoing);
    const changed: ObservedStatus[] = [];
    const errors: Record<string, number> = {};
    for (const l of lookups) {
      if ('error' in l) errors[l.error] = (errors[l.error] ?? 0) + 1;
      else if (l.status !== l.fire.executionStatus)
        changed.push({ scheduleId: l.fire.scheduleId, executionId: l.fire.executionId, status: l.status });
    }
    // Asked again after SCHEDULES_RECONCILE_AFTER_MS: a run that is gone (NOT_FOUND), or a service that did not answer.
    if (Object.keys(errors).length > 0) this.logger.warn({ errors }, 'schedules: could not look up some runs of quiet fires');
    const applied = await this.record.record(changed, now);
    for (const a of applied) firesReconciledTotal.inc({ status: a.status });
    if (applied.length > 0) {
      this.logger.info(
        { fires: applied.length, statuses: applied.map((a) => `${a.executionId}:${a.status}`) },
        'schedules: reconciled run statuses',
      );
    }
    return applied.length;
  }

  private async lookUp(fires: QuietFire[], keepGoing: () => boolean): Promise<Lookup[]> {
    const out: Lookup[] = [];
    let next = 0;
    const worker = async () => {
      while (next < fires.length && keepGoing()) out.push(await this.statusOf(fires[next++]));
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, fires.length) }, worker));
    return out;
  }

  private async statusOf(fire: QuietFire): Promise<Lookup> {
    try {
      const run = await this.rpc.call(
        ExecutionsRpc.get,
        { execution: fire.executionId },
        { workspace_id: fire.workspaceId, request_id: fire.id },
      );
      reconcileLookupsTotal.inc({ outcome: 'found' });
      return { fire, status: run.status };
    } catch (err) {
      const code = err instanceof AppError ? err.code : ErrorCode.INTERNAL;
      reconcileLookupsTotal.inc({ outcome: code === ErrorCode.NOT_FOUND ? 'missing' : 'error' });
      return { fire, error: code };
    }
  }
}
