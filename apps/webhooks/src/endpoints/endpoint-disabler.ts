import { WebhookEndpointDisabledEventData, WebhooksEvents } from '@agentry/contracts';
import { Outbox } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { returned } from '../database/returning';

export type DisableCause = WebhookEndpointDisabledEventData['cause'];

export interface DisabledEndpoint {
  id: string;
  workspaceId: string;
}

interface DisabledRow {
  id: string;
  workspace_id: string;
  url: string;
  disabled_reason: string;
  disabled_at: Date;
  failing_since: Date | null;
}

const RETURNING = 'RETURNING id, workspace_id, url, disabled_reason, disabled_at, failing_since';

/**
 * Disables endpoints in the caller's transaction: fails their pending deliveries that are not in flight
 * (a recover re-sends them) and writes `agentry.webhooks.endpoint_disabled` to the outbox, which this
 * service also turns into `webhook.endpoint.disabled` messages for the workspace's other endpoints.
 */
@Injectable()
export class EndpointDisabler {
  constructor(private readonly outbox: Outbox) {}

  /** The receiver answered 410 Gone. */
  async gone(m: EntityManager, ids: string[]): Promise<DisabledEndpoint[]> {
    if (ids.length === 0) return [];
    const rows = returned<DisabledRow>(
      await m.query(
        `UPDATE webhooks.endpoints SET status = 'disabled', disabled_at = now(), updated_at = now(),
              disabled_reason = 'The endpoint answered 410 Gone'
        WHERE id = ANY($1) AND status = 'enabled' ${RETURNING}`,
        [ids],
      ),
    );
    return this.after(m, rows, 'gone');
  }

  /** Failing without a success since longer than `afterMs`. */
  async failing(m: EntityManager, ids: string[], afterMs: number): Promise<DisabledEndpoint[]> {
    if (ids.length === 0) return [];
    const rows = returned<DisabledRow>(
      await m.query(
        `UPDATE webhooks.endpoints SET status = 'disabled', disabled_at = now(), updated_at = now(),
              disabled_reason = 'Every delivery attempt failed since ' || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        WHERE id = ANY($1) AND status = 'enabled' AND failing_since <= now() - make_interval(secs => $2::double precision / 1000)
        ${RETURNING}`,
        [ids, afterMs],
      ),
    );
    return this.after(m, rows, 'failing');
  }

  /** A user disabled it (PATCH status=disabled). */
  async manual(m: EntityManager, id: string, workspaceId: string, reason: string | undefined): Promise<DisabledEndpoint[]> {
    const rows = returned<DisabledRow>(
      await m.query(
        `UPDATE webhooks.endpoints SET status = 'disabled', disabled_at = now(), updated_at = now(), disabled_reason = $3
        WHERE id = $1 AND workspace_id = $2 AND status = 'enabled' ${RETURNING}`,
        [id, workspaceId, reason ?? 'Disabled by a user'],
      ),
    );
    return this.after(m, rows, 'manual');
  }

  private async after(m: EntityManager, rows: DisabledRow[], cause: DisableCause): Promise<DisabledEndpoint[]> {
    if (rows.length === 0) return [];
    await m.query(
      `UPDATE webhooks.deliveries d SET status = 'failed', next_attempt_at = NULL, updated_at = now(),
              last_error = 'Endpoint disabled: ' || e.disabled_reason
         FROM webhooks.endpoints e
        WHERE e.id = d.endpoint_id AND d.endpoint_id = ANY($1) AND d.status = 'pending' AND d.lease_id IS NULL`,
      [rows.map((r) => r.id)],
    );
    for (const r of rows) {
      await this.outbox.add(m, WebhooksEvents.endpointDisabled, r.workspace_id, {
        endpoint_id: r.id,
        url: r.url,
        cause,
        reason: r.disabled_reason,
        disabled_at: new Date(r.disabled_at).toISOString(),
        failing_since: r.failing_since ? new Date(r.failing_since).toISOString() : null,
      });
    }
    return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id }));
  }
}
