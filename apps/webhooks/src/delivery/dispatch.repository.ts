import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { affected, returned } from '../database/returning';
import { SigningSecrets } from '../signing/webhook-secret';

/** A delivery claimed for one attempt, with the message body it sends. */
export interface ClaimedDelivery {
  id: string;
  workspaceId: string;
  messageId: string;
  endpointId: string | null;
  callbackUrl: string | null;
  targetKey: string;
  eventType: string;
  attemptCount: number;
  scheduleStep: number;
  payload: string;
  leaseId: string;
  /** Read in the claim; null for a run callback, or an endpoint deleted meanwhile. */
  endpoint: TargetEndpoint | null;
}

export interface TargetEndpoint {
  id: string;
  url: string;
  status: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  rateLimitPerSecond: number | null;
}

export interface ClaimRequest {
  /** Target keys that may take nothing now. */
  blocked: string[];
  /** Target keys that may take fewer than `perTarget`. */
  capacities: Record<string, number>;
  perTarget: number;
  /** Free slots of this replica. */
  limit: number;
  leaseMs: number;
  leaseId: string;
}

/** What one finished (or handed back) attempt changes on its delivery. */
export interface DeliveryUpdate {
  id: string;
  leaseId: string;
  status: 'pending' | 'succeeded' | 'failed';
  nextAttemptAt: Date | null;
  scheduleStep: number;
  /** 1 when an attempt was made (and is recorded), 0 when the delivery was handed back untried. */
  counted: 0 | 1;
  attemptedAt: Date | null;
  statusCode: number | null;
  error: string | null;
}

export interface AttemptRow {
  deliveryId: string;
  startedAt: Date;
  url: string;
  statusCode: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
  outcome: 'succeeded' | 'failed';
}

/** The dispatcher's SQL: claiming due deliveries and writing attempt results in batches. */
@Injectable()
export class DispatchRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Claims due deliveries with SKIP LOCKED (replicas share the work), at most `capacities[key]` (or
   * `perTarget`) per target and `limit` in all, skipping blocked targets, round-robin across targets. Targets with pending work are
   * found with a loose index scan over (target_key, next_attempt_at), one probe per target, so a dead
   * endpoint's backlog is never scanned row by row. A claim is a lease: next_attempt_at moves past the
   * attempt's timeout, so the deliveries of a replica that crashed come due again.
   */
  async claim(r: ClaimRequest): Promise<ClaimedDelivery[]> {
    const rows: unknown = await this.ds.query(
      `WITH RECURSIVE heads AS (
         (SELECT target_key, next_attempt_at FROM webhooks.deliveries
           WHERE status = 'pending' ORDER BY target_key, next_attempt_at LIMIT 1)
         UNION ALL
         SELECT n.target_key, n.next_attempt_at FROM heads h CROSS JOIN LATERAL (
           SELECT target_key, next_attempt_at FROM webhooks.deliveries
            WHERE status = 'pending' AND target_key > h.target_key ORDER BY target_key, next_attempt_at LIMIT 1) n
       ), due AS (
         SELECT target_key FROM heads WHERE next_attempt_at <= now() AND NOT (target_key = ANY($1::text[]))
       ), chosen AS (
         SELECT c.id FROM due CROSS JOIN LATERAL (
           SELECT id, next_attempt_at, row_number() OVER (ORDER BY next_attempt_at) AS rn FROM (
             SELECT id, next_attempt_at FROM webhooks.deliveries d
              WHERE d.status = 'pending' AND d.target_key = due.target_key AND d.next_attempt_at <= now()
              ORDER BY d.next_attempt_at
              LIMIT COALESCE(($2::jsonb ->> due.target_key)::int, $3)
              FOR UPDATE SKIP LOCKED) locked) c
          ORDER BY c.rn, c.next_attempt_at
          LIMIT $4
       )
       UPDATE webhooks.deliveries d
          SET next_attempt_at = now() + make_interval(secs => $5::double precision / 1000), lease_id = $6, updated_at = now()
         FROM chosen
        WHERE d.id = chosen.id
       RETURNING d.id, d.workspace_id, d.message_id, d.endpoint_id, d.callback_url, d.target_key, d.event_type,
                 d.attempt_count, d.schedule_step,
                 (SELECT m.payload FROM webhooks.messages m WHERE m.id = d.message_id) AS payload,
                 (SELECT json_build_object('url', e.url, 'status', e.status, 'secret', e.secret, 'previous_secret', e.previous_secret,
                                           'previous_secret_expires_at', e.previous_secret_expires_at, 'rate_limit', e.rate_limit_per_second)
                    FROM webhooks.endpoints e WHERE e.id = d.endpoint_id) AS endpoint`,
      [r.blocked, JSON.stringify(r.capacities), r.perTarget, r.limit, r.leaseMs, r.leaseId],
    );
    const claimed = returned(rows);
    return claimed.map((row) => ({
      id: row.id as string,
      workspaceId: row.workspace_id as string,
      messageId: row.message_id as string,
      endpointId: (row.endpoint_id as string) ?? null,
      callbackUrl: (row.callback_url as string) ?? null,
      targetKey: row.target_key as string,
      eventType: row.event_type as string,
      attemptCount: Number(row.attempt_count),
      scheduleStep: Number(row.schedule_step),
      payload: row.payload as string,
      leaseId: r.leaseId,
      endpoint: row.endpoint ? toTargetEndpoint(row.endpoint_id as string, row.endpoint as Record<string, unknown>) : null,
    }));
  }

  /** The callback signing secrets of these workspaces. */
  async callbackSigners(workspaceIds: string[]): Promise<Map<string, SigningSecrets>> {
    if (workspaceIds.length === 0) return new Map();
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT workspace_id, secret, previous_secret, previous_secret_expires_at FROM webhooks.callback_signers WHERE workspace_id = ANY($1)`,
      [workspaceIds],
    );
    return new Map(
      rows.map((r) => [
        r.workspace_id as string,
        {
          current: r.secret as string,
          previous: (r.previous_secret as string) ?? null,
          previousExpiresAt: (r.previous_secret_expires_at as Date) ?? null,
        },
      ]),
    );
  }

  /** Writes attempt results; only rows still leased by the writer change. Returns the ids written. */
  async complete(m: EntityManager, updates: DeliveryUpdate[], attempts: Map<string, AttemptRow>): Promise<string[]> {
    if (updates.length === 0) return [];
    const col = <K extends keyof DeliveryUpdate>(k: K) => updates.map((u) => u[k]);
    const written: { id: string; attempt_count: number }[] = await m
      .query(
        `UPDATE webhooks.deliveries d SET
              status = CASE WHEN v.status = 'pending' AND e.status = 'disabled' THEN 'failed' ELSE v.status END,
              next_attempt_at = CASE WHEN v.status = 'pending' AND e.status = 'disabled' THEN NULL ELSE v.next_at END,
              schedule_step = v.step,
              attempt_count = d.attempt_count + v.counted,
              last_attempt_at = COALESCE(v.attempted_at, d.last_attempt_at),
              last_status_code = CASE WHEN v.counted = 1 THEN v.code ELSE d.last_status_code END,
              last_error = CASE WHEN v.status = 'pending' AND e.status = 'disabled' THEN 'Endpoint disabled: ' || e.disabled_reason
                                WHEN v.counted = 1 OR v.status = 'failed' THEN v.err ELSE d.last_error END,
              lease_id = NULL,
              updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::int[], $7::timestamptz[], $8::int[], $9::text[])
              AS v(id, lease, status, next_at, step, counted, attempted_at, code, err)
         LEFT JOIN webhooks.deliveries dd ON dd.id = v.id
         LEFT JOIN webhooks.endpoints e ON e.id = dd.endpoint_id
        WHERE d.id = v.id AND d.lease_id = v.lease
       RETURNING d.id, d.attempt_count`,
        [
          col('id'),
          col('leaseId'),
          col('status'),
          col('nextAttemptAt'),
          col('scheduleStep'),
          col('counted'),
          col('attemptedAt'),
          col('statusCode'),
          col('error'),
        ],
      )
      .then((res: unknown) => returned(res) as unknown as { id: string; attempt_count: number }[]);
    const rows = written.filter((w) => attempts.has(w.id));
    if (rows.length > 0) {
      const a = rows.map((w) => ({ ...attempts.get(w.id)!, attempt: w.attempt_count }));
      await m.query(
        `INSERT INTO webhooks.delivery_attempts (delivery_id, attempt, started_at, url, status_code, latency_ms, response_excerpt, error, outcome)
         SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[], $9::text[])
         ON CONFLICT DO NOTHING`,
        [
          a.map((x) => x.deliveryId),
          a.map((x) => x.attempt),
          a.map((x) => x.startedAt),
          a.map((x) => x.url),
          a.map((x) => x.statusCode),
          a.map((x) => x.latencyMs),
          a.map((x) => x.excerpt),
          a.map((x) => x.error),
          a.map((x) => x.outcome),
        ],
      );
    }
    return written.map((w) => w.id);
  }

  /** Success clears an endpoint's failure streak; a failure starts one. */
  async markEndpoints(m: EntityManager, succeeded: string[], failed: string[]): Promise<void> {
    if (succeeded.length) {
      await m.query(`UPDATE webhooks.endpoints SET failing_since = NULL WHERE id = ANY($1) AND failing_since IS NOT NULL`, [succeeded]);
    }
    if (failed.length) {
      await m.query(`UPDATE webhooks.endpoints SET failing_since = now() WHERE id = ANY($1) AND failing_since IS NULL`, [failed]);
    }
  }

  /** Deletes messages past retention with their deliveries and attempts, a batch at a time. */
  async purge(retentionDays: number, batch = 1000): Promise<number> {
    const res: unknown = await this.ds.query(
      `DELETE FROM webhooks.messages WHERE id IN (
         SELECT id FROM webhooks.messages WHERE created_at < now() - make_interval(days => $1) ORDER BY created_at LIMIT $2
       ) AND NOT EXISTS (SELECT 1 FROM webhooks.deliveries d WHERE d.message_id = messages.id AND d.status = 'pending')`,
      [retentionDays, batch],
    );
    return affected(res);
  }
}

/** The endpoint columns a claim returns as JSON (the expiry comes back as text). */
function toTargetEndpoint(id: string, e: Record<string, unknown>): TargetEndpoint {
  const expires = e.previous_secret_expires_at as string | null;
  return {
    id,
    url: e.url as string,
    status: e.status as string,
    secret: e.secret as string,
    previousSecret: (e.previous_secret as string | null) ?? null,
    previousSecretExpiresAt: expires ? new Date(expires) : null,
    rateLimitPerSecond: (e.rate_limit as number | null) ?? null,
  };
}
