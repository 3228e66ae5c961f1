import { PLAN_LIMITS, Plan } from '@agentry/contracts';
import { LeasedShare, LeasedShares, LOGGER } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { RunsError } from './runs.errors';

/**
 * Runs per day per workspace (its plan), shared by every replica without a database write per run: a
 * replica leases a share (1% of the limit, 1–100 runs) from `run_quotas` and spends it locally, leasing the
 * next while half of the last is left (LeasedShares). At most one and a half unspent shares per replica can
 * be lost at the end of a day.
 */
@Injectable()
export class RunQuota {
  private readonly shares: LeasedShares<LeasedShare>;

  constructor(
    private readonly ds: DataSource,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.shares = new LeasedShares<LeasedShare>(
      (period) => ({ period, granted: 0, used: 0, exhausted: false, lastGrant: 0 }),
      (workspaceId, share) => this.lease(workspaceId, share),
      (err) => logger.warn({ err: (err as Error).message }, 'run quota: leasing ahead failed; the next run leases again'),
    );
  }

  async take(workspaceId: string, plan: Plan | undefined, now = new Date()): Promise<void> {
    if (!plan || !PLAN_LIMITS[plan]) return; // internal callers without a plan: the plan was checked where they started
    const limit = PLAN_LIMITS[plan].runs_per_day;
    // The plan is part of the key: a workspace that changes plan starts a share under its new limit.
    if (!(await this.shares.take(`${workspaceId}:${limit}`, now.toISOString().slice(0, 10)))) throw RunsError.runsPerDay(limit);
  }

  private async lease(key: string, share: LeasedShare): Promise<void> {
    const at = key.lastIndexOf(':');
    const workspaceId = key.slice(0, at);
    const limit = Number(key.slice(at + 1));
    const chunk = Math.max(1, Math.min(100, Math.ceil(limit / 100)));
    // last_grant says how much this statement added, so the lease is one round trip.
    const rows: { got: number }[] = await this.ds.query(
      `INSERT INTO executions.run_quotas AS q (workspace_id, day, granted, last_grant) VALUES ($1, $2, least($3::int, $4::int), least($3::int, $4::int))
       ON CONFLICT (workspace_id, day) DO UPDATE
         SET granted = q.granted + least($3::int, greatest(0, $4::int - q.granted)), last_grant = least($3::int, greatest(0, $4::int - q.granted))
       RETURNING last_grant AS got`,
      [workspaceId, share.period, chunk, limit],
    );
    const got = Number(rows[0]?.got ?? 0);
    if (got <= 0) share.exhausted = true;
    share.granted += got;
    share.lastGrant = got;
  }
}
