import { newId, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WebhooksConfig } from '../config/webhooks.config';
import { parseDurations } from '../delivery/retry-policy';
import { generateSecret } from '../signing/webhook-secret';
import { MessageDraft, serializePayload } from './event-payload';

interface Target {
  endpointId: string | null;
  callbackUrl: string | null;
  key: string;
}

export interface FanOutResult {
  messageId: string;
  deliveryIds: string[];
}

/** Where a run callback's concurrency and breaker are counted: its host. */
export function callbackTargetKey(url: string): string {
  try {
    return `cb:${new URL(url).host.toLowerCase()}`;
  } catch {
    return 'cb:invalid';
  }
}

/**
 * Turns a draft into a message and one delivery per matching endpoint (and the run's callback_url),
 * in the caller's transaction: with the consumer's processed_events insert, so the message exists
 * before the event is acknowledged and a redelivered event makes no second message.
 */
@Injectable()
export class MessageFanOut {
  private readonly firstDelayMs: number;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: WebhooksConfig) {
    this.firstDelayMs = parseDurations(config.WEBHOOKS_RETRY_SCHEDULE)[0] ?? 0;
  }

  async publish(m: EntityManager, workspaceId: string, draft: MessageDraft, sourceEventId: string | null): Promise<FanOutResult | null> {
    const endpoints: { id: string }[] = await m.query(
      `SELECT id FROM webhooks.endpoints
        WHERE workspace_id = $1 AND status = 'enabled'
          AND (event_types @> ARRAY[$2::text] OR event_types @> ARRAY['*']::text[])
          AND ($3::text IS NULL OR cardinality(agent_ids) = 0 OR $3 = ANY(agent_ids))
          AND ($4::text IS NULL OR id <> $4)`,
      [workspaceId, draft.eventType, draft.agentId, draft.excludeEndpointId],
    );
    if (endpoints.length === 0 && !draft.callbackUrl) return null;
    const targets: Target[] = endpoints.map((e) => ({ endpointId: e.id, callbackUrl: null, key: e.id }));
    if (draft.callbackUrl) {
      targets.push({ endpointId: null, callbackUrl: draft.callbackUrl, key: callbackTargetKey(draft.callbackUrl) });
      await m.query(`INSERT INTO webhooks.callback_signers (workspace_id, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        workspaceId,
        generateSecret(),
      ]);
    }
    return this.store(m, workspaceId, draft.eventType, draft.fields, sourceEventId, targets);
  }

  /** A message for one endpoint only (`POST …/test`). */
  publishTo(m: EntityManager, workspaceId: string, eventType: string, fields: Record<string, unknown>, endpointId: string): Promise<FanOutResult> {
    return this.store(m, workspaceId, eventType, fields, null, [{ endpointId, callbackUrl: null, key: endpointId }]);
  }

  private async store(
    m: EntityManager,
    workspaceId: string,
    eventType: string,
    fields: Record<string, unknown>,
    sourceEventId: string | null,
    targets: Target[],
  ): Promise<FanOutResult> {
    const messageId = newId('msg');
    const payload = serializePayload(messageId, fields, this.config.WEBHOOKS_MAX_PAYLOAD_BYTES);
    await m.query(`INSERT INTO webhooks.messages (id, workspace_id, event_type, source_event_id, payload) VALUES ($1, $2, $3, $4, $5)`, [
      messageId,
      workspaceId,
      eventType,
      sourceEventId,
      payload,
    ]);
    const ids = targets.map(() => newId('del'));
    await m.query(
      `INSERT INTO webhooks.deliveries (id, workspace_id, message_id, endpoint_id, callback_url, target_key, event_type, next_attempt_at)
       SELECT id, $1, $2, endpoint_id, callback_url, target_key, $3, now() + make_interval(secs => $4::double precision / 1000)
         FROM unnest($5::text[], $6::text[], $7::text[], $8::text[]) AS t(id, endpoint_id, callback_url, target_key)`,
      [
        workspaceId,
        messageId,
        eventType,
        this.firstDelayMs,
        ids,
        targets.map((t) => t.endpointId),
        targets.map((t) => t.callbackUrl),
        targets.map((t) => t.key),
      ],
    );
    return { messageId, deliveryIds: ids };
  }
}
