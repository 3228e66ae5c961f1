import { newId, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WebhooksConfig } from '../config/webhooks.config';
import { parseDurations } from '../delivery/retry-policy';
import { SecretSealer } from '../signing/secret-sealer';
import { generateSecret } from '../signing/webhook-secret';
import { MessageDraft, serializePayload } from './event-payload';

interface Target {
  endpointId: string | null;
  callbackUrl: string | null;
  key: string;
}

interface EndpointRow {
  id: string;
  workspace_id: string;
  event_types: string[];
  agent_ids: string[];
}

export interface PublishItem {
  workspaceId: string;
  draft: MessageDraft;
  sourceEventId: string | null;
}

interface StoredMessage {
  id: string;
  workspaceId: string;
  eventType: string;
  fields: Record<string, unknown>;
  sourceEventId: string | null;
  targets: Target[];
  deliveryIds: string[];
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

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: WebhooksConfig,
    private readonly sealer: SecretSealer,
  ) {
    this.firstDelayMs = parseDurations(config.WEBHOOKS_RETRY_SCHEDULE)[0] ?? 0;
  }

  async publish(m: EntityManager, workspaceId: string, draft: MessageDraft, sourceEventId: string | null): Promise<FanOutResult | null> {
    const [result] = await this.publishMany(m, [{ workspaceId, draft, sourceEventId }]);
    return result;
  }

  /** Many events in one go (the consumer's batches): a handful of statements whatever their number. */
  async publishMany(m: EntityManager, items: PublishItem[]): Promise<(FanOutResult | null)[]> {
    if (items.length === 0) return [];
    const workspaces = [...new Set(items.map((i) => i.workspaceId))];
    const endpoints: EndpointRow[] = await m.query(
      `SELECT id, workspace_id, event_types, agent_ids FROM webhooks.endpoints WHERE workspace_id = ANY($1) AND status = 'enabled'`,
      [workspaces],
    );
    const byWorkspace = new Map<string, EndpointRow[]>();
    for (const e of endpoints) byWorkspace.set(e.workspace_id, [...(byWorkspace.get(e.workspace_id) ?? []), e]);
    const messages: StoredMessage[] = [];
    const results = items.map(({ workspaceId, draft, sourceEventId }) => {
      const targets: Target[] = (byWorkspace.get(workspaceId) ?? [])
        .filter((e) => matches(e, draft))
        .map((e) => ({ endpointId: e.id, callbackUrl: null, key: e.id }));
      if (draft.callbackUrl) targets.push({ endpointId: null, callbackUrl: draft.callbackUrl, key: callbackTargetKey(draft.callbackUrl) });
      if (targets.length === 0) return null;
      const message = {
        workspaceId,
        eventType: draft.eventType,
        fields: draft.fields,
        sourceEventId,
        targets,
        id: newId('msg'),
        deliveryIds: targets.map(() => newId('del')),
      };
      messages.push(message);
      return { messageId: message.id, deliveryIds: message.deliveryIds };
    });
    const withCallbacks = [...new Set(messages.filter((x) => x.targets.some((t) => t.callbackUrl)).map((x) => x.workspaceId))];
    if (withCallbacks.length) {
      await m.query(
        `INSERT INTO webhooks.callback_signers (workspace_id, secret) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
        [withCallbacks, withCallbacks.map((workspaceId) => this.sealer.seal(generateSecret(), { workspaceId, endpointId: null }))],
      );
    }
    await this.store(m, messages);
    return results;
  }

  /** A message for one endpoint only (`POST …/test`). */
  async publishTo(
    m: EntityManager,
    workspaceId: string,
    eventType: string,
    fields: Record<string, unknown>,
    endpointId: string,
  ): Promise<FanOutResult> {
    const message = {
      workspaceId,
      eventType,
      fields,
      sourceEventId: null,
      targets: [{ endpointId, callbackUrl: null, key: endpointId }],
      id: newId('msg'),
      deliveryIds: [newId('del')],
    };
    await this.store(m, [message]);
    return { messageId: message.id, deliveryIds: message.deliveryIds };
  }

  private async store(m: EntityManager, messages: StoredMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await m.query(
      `INSERT INTO webhooks.messages (id, workspace_id, event_type, source_event_id, payload)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [
        messages.map((x) => x.id),
        messages.map((x) => x.workspaceId),
        messages.map((x) => x.eventType),
        messages.map((x) => x.sourceEventId),
        messages.map((x) => serializePayload(x.id, x.fields, this.config.WEBHOOKS_MAX_PAYLOAD_BYTES)),
      ],
    );
    const rows = messages.flatMap((x) => x.targets.map((t, i) => ({ ...t, id: x.deliveryIds[i], message: x })));
    await m.query(
      `INSERT INTO webhooks.deliveries (id, workspace_id, message_id, endpoint_id, callback_url, target_key, event_type, next_attempt_at)
       SELECT id, workspace_id, message_id, endpoint_id, callback_url, target_key, event_type,
              now() + make_interval(secs => $1::double precision / 1000)
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
              AS t(id, workspace_id, message_id, endpoint_id, callback_url, target_key, event_type)`,
      [
        this.firstDelayMs,
        rows.map((r) => r.id),
        rows.map((r) => r.message.workspaceId),
        rows.map((r) => r.message.id),
        rows.map((r) => r.endpointId),
        rows.map((r) => r.callbackUrl),
        rows.map((r) => r.key),
        rows.map((r) => r.message.eventType),
      ],
    );
  }
}

function matches(e: EndpointRow, d: MessageDraft): boolean {
  if (d.excludeEndpointId === e.id) return false;
  if (!e.event_types.includes('*') && !e.event_types.includes(d.eventType)) return false;
  return d.agentId === null || e.agent_ids.length === 0 || e.agent_ids.includes(d.agentId);
}
