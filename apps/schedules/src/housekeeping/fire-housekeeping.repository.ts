import type { ExecutionStatus } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { affected, returning } from '../schedules/returning';

/** A started fire whose run has sent no news for a while: the reconcile asks the executions service about it. */
export interface QuietFire {
  id: string;
  scheduleId: string;
  workspaceId: string;
  executionId: string;
  /** The status last recorded for the run. */
  executionStatus: ExecutionStatus | null;
}

type QuietRow = { id: string; schedule_id: string; workspace_id: string; execution_id: string; execution_status: ExecutionStatus | null };

/** When a started fire last heard of its run: the start, its last event, or the reconcile's last look. */
const LAST_NEWS = 'GREATEST(started_at, execution_status_at, status_checked_at)';

/**
 * The housekeeping statements on schedules.schedule_runs: pruning settled fires and picking quiet ones
 * for the reconcile. Neither waits for a row the hot path holds (SKIP LOCKED), nor locks a schedule.
 */
@Injectable()
export class FireHousekeepingRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Deletes up to `limit` settled fires due before `cutoff`, oldest first, in one short transaction.
   * Null: another replica holds the prune lock (it is pruning now; this round is left to it).
   *
   * A fire row is also what makes a due time fire once (unique on schedule, due time and manual), so a
   * fire is only deleted when no writer can insert its due time again. The claim plans due times at or
   * after next_run_at, which moves past the due times it fires and is otherwise only ever recomputed from
   * now (resume, edit): so a fire due before its schedule's next_run_at, or of a paused schedule, cannot
   * be planned again. Backfill refuses due times older than the retention (backfillHorizon). A catch-up
   * still lagging behind a backfill keeps the backfill's fires until it has passed them.
   */
  async pruneBatch(cutoff: Date, limit: number): Promise<number | null> {
    return this.ds.transaction(async (m) => {
      const [{ locked }]: { locked: boolean }[] = await m.query(
        `SELECT pg_try_advisory_xact_lock(hashtext('agentry.schedules.prune_fires')) AS locked`,
      );
      if (!locked) return null;
      const res: unknown = await m.query(
        `DELETE FROM schedules.schedule_runs
          WHERE ctid = ANY(ARRAY(
                  SELECT f.ctid FROM schedules.schedule_runs f JOIN schedules.schedules s ON s.id = f.schedule_id
                   WHERE NOT f.active AND f.due_at < $1
                     AND (NOT s.enabled OR s.agent_paused OR s.next_run_at IS NULL OR f.due_at < s.next_run_at)
                   ORDER BY f.due_at LIMIT $2 FOR UPDATE OF f SKIP LOCKED))`,
        [cutoff, limit],
      );
      return affected(res);
    });
  }

  /**
   * Started fires whose run has not ended and sent no news since `quietSince`, the quietest first,
   * marked as looked at now so the next round takes others (and other replicas skip them).
   */
  async claimQuiet(quietSince: Date, now: Date, limit: number): Promise<QuietFire[]> {
    const rows = await returning<QuietRow>(
      this.ds.manager,
      `UPDATE schedules.schedule_runs f SET status_checked_at = $2
        WHERE f.id IN (SELECT id FROM schedules.schedule_runs
                        WHERE active AND state = 'started' AND execution_id IS NOT NULL AND ${LAST_NEWS} < $1
                        ORDER BY ${LAST_NEWS} LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING f.id, f.schedule_id, f.workspace_id, f.execution_id, f.execution_status`,
      [quietSince, now, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      scheduleId: r.schedule_id,
      workspaceId: r.workspace_id,
      executionId: r.execution_id,
      executionStatus: r.execution_status,
    }));
  }
}
