import { RpcContext, UpdateWebhookEndpointRequest, WebhookEndpointView } from '@agentry/contracts';
import { Outbox } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Dispatcher } from '../../delivery/dispatcher';
import { normalizeEventTypes } from '../create-endpoint/create-endpoint.use-case';
import { EndpointEntity } from '../endpoint.entity';
import { EndpointDisabler } from '../endpoint-disabler';
import { EndpointUrlCheck } from '../endpoint-url.check';
import { EndpointsError } from '../endpoints.errors';
import { EndpointsRepository, toEndpointView } from '../endpoints.repository';

function applyPatch(e: EndpointEntity, p: UpdateWebhookEndpointRequest): void {
  if (p.url !== undefined) e.url = p.url;
  if (p.event_types !== undefined) e.eventTypes = normalizeEventTypes(p.event_types);
  if (p.description !== undefined) e.description = p.description;
  if (p.agent_ids !== undefined) e.agentIds = p.agent_ids;
  if (p.rate_limit_per_second !== undefined) e.rateLimitPerSecond = p.rate_limit_per_second;
  e.updatedAt = new Date();
}

/**
 * Changes fields, and disables (with a reason) or enables the endpoint. Disabling fails its pending
 * deliveries and emits the endpoint_disabled event; enabling clears its failure streak and breaker.
 */
@Injectable()
export class UpdateEndpointUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: EndpointsRepository,
    private readonly urlCheck: EndpointUrlCheck,
    private readonly disabler: EndpointDisabler,
    private readonly outbox: Outbox,
    private readonly dispatcher: Dispatcher,
  ) {}

  async execute(ctx: RpcContext, id: string, patch: UpdateWebhookEndpointRequest): Promise<WebhookEndpointView> {
    if (patch.disabled_reason !== undefined && patch.status !== 'disabled') throw EndpointsError.reasonWithoutDisable();
    if (patch.url !== undefined) await this.urlCheck.assertAllowed(patch.url);
    let disabled = false;
    let reset = false;
    const endpoint = await this.ds.transaction(async (m) => {
      const e = await this.repo.find(ctx.workspace_id, id, m, true);
      if (!e) throw EndpointsError.notFound(id);
      // a new address or a re-enabled endpoint starts with a clean breaker and window
      reset = patch.url !== undefined && patch.url !== e.url;
      applyPatch(e, patch);
      if (patch.status === 'enabled' && e.status === 'disabled') {
        Object.assign(e, { status: 'enabled', disabledReason: null, disabledAt: null, failingSince: null });
        reset = true;
      }
      await this.repo.update(m, e);
      if (patch.status === 'disabled' && e.status === 'enabled') {
        disabled = (await this.disabler.manual(m, e.id, ctx.workspace_id, patch.disabled_reason)).length > 0;
        return (await this.repo.find(ctx.workspace_id, id, m))!;
      }
      return e;
    });
    if (disabled) this.outbox.flush();
    if (reset) this.dispatcher.resetTarget(endpoint.id);
    return toEndpointView(endpoint);
  }
}
