import { PLAN_LIMITS, Plan } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RunsError } from './runs.errors';

interface Share {
  day: string;
  granted: number;
  used: number;
  exhausted: boolean;
  leasing?: Promise<void>;
}

/**
 * Runs per day per workspace (its plan), shared by every replica without a database write per run: a
 * replica leases a share (1% of the limit, 1–100 runs) from `run_quotas` and spends it locally. At most
 * one unspent share per replica can be lost at the end of a day.
 */
@Injectable()
export class RunQuota {
  private readonly shares = new Map<string, Share>();

  constructor(private readonly ds: DataSource) {}

  async take(workspaceId: string, plan: Plan | undefined, now = new Date()): Promise<void> {
    if (!plan || !PLAN_LIMITS[plan]) return; // internal callers without a plan: the plan was checked where they started
    const limit = PLAN_LIMITS[plan].runs_per_day;
    const day = now.toISOString().slice(0, 10);
    let share = this.shares.get(workspaceId);
    if (!share || share.day !== day) {
      share = { day, granted: 0, used: 0, exhausted: false };
      this.shares.set(workspaceId, share);
      if (this.shares.size > 50_000) this.shares.clear();
    }
    while (share.used >= share.granted && !share.exhausted) {
      share.leasing ??= this.lease(workspaceId, share, limit).finally(() => (share!.leasing = undefined));
      await share.leasing;
    }
    if (share.used >= share.granted) throw RunsError.runsPerDay(limit);
    share.used++;
  }

  private async lease(workspaceId: string, share: Share, limit: number): Promise<void> {
    const chunk = Math.max(1, Math.min(100, Math.ceil(limit / 100)));
    // last_grant says how much this statement added, so the lease is one round trip.
    const rows: { got: number }[] = await this.ds.query(
      `INSERT INTO executions.run_quotas AS q (workspace_id, day, granted, last_grant) VALUES ($1, $2, least($3::int, $4::int), least($3::int, $4::int))
       ON CONFLICT (workspace_id, day) DO UPDATE
         SET granted = q.granted + least($3::int, greatest(0, $4::int - q.granted)), last_grant = least($3::int, greatest(0, $4::int - q.granted))
       RETURNING last_grant AS got`,
      [workspaceId, share.day, chunk, limit],
    );
    const got = Number(rows[0]?.got ?? 0);
    if (got <= 0) share.exhausted = true;
    share.granted += got;
  }
}
