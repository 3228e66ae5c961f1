import type { StatsGroup } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { idAtTime } from '../runs/executions.repository';

export interface StatsRow {
  bucket: Date | null;
  executions: string;
  succeeded: string;
  failed: string;
  cancelled: string;
  p50: number | null;
  p95: number | null;
  tokens: string | null;
}

export interface LastErrorRow {
  id: string;
  error: { code: string; message: string; step_id?: string };
  at: Date;
}

/** Aggregates of one agent's runs over an id range (ids are ULIDs: a time range on the same index). */
@Injectable()
export class StatsRepository {
  constructor(private readonly ds: DataSource) {}

  /** One row per bucket (in the time zone) plus the totals row (bucket NULL). */
  figures(workspaceId: string, agentId: string, from: string, to: string, group: StatsGroup, timezone: string): Promise<StatsRow[]> {
    return this.ds.query(
      `SELECT date_trunc($5, created_at AT TIME ZONE $6) AT TIME ZONE $6 AS bucket,
              count(*) AS executions,
              count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
              count(*) FILTER (WHERE status IN ('failed', 'timed_out')) AS failed,
              count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE status IN ('succeeded', 'failed', 'timed_out')) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE status IN ('succeeded', 'failed', 'timed_out')) AS p95,
              sum(tokens_used) AS tokens
         FROM executions.executions
        WHERE workspace_id = $1 AND agent_id = $2 AND id >= $3 AND id < $4
        GROUP BY GROUPING SETS ((date_trunc($5, created_at AT TIME ZONE $6) AT TIME ZONE $6), ())
        ORDER BY bucket NULLS FIRST`,
      [workspaceId, agentId, idAtTime(from), idAtTime(to), group, timezone],
    );
  }

  async lastError(workspaceId: string, agentId: string, from: string, to: string): Promise<LastErrorRow | null> {
    const rows: LastErrorRow[] = await this.ds.query(
      `SELECT id, error, coalesce(finished_at, created_at) AS at FROM executions.executions
        WHERE workspace_id = $1 AND agent_id = $2 AND id >= $3 AND id < $4 AND status IN ('failed', 'timed_out')
        ORDER BY id DESC LIMIT 1`,
      [workspaceId, agentId, idAtTime(from), idAtTime(to)],
    );
    return rows[0] ?? null;
  }
}
