import { checkOutboundUrl, isPrivateAddress, OutboundError, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { WebhooksConfig } from '../config/webhooks.config';
import { EndpointsError } from './endpoints.errors';

const DNS_BUDGET_MS = 2_000;

/**
 * Refuses an endpoint URL early, with a clear 400: not http(s), credentials in it, or an address the
 * outbound guard would refuse (literal, or what the name resolves to now). The guard still checks the
 * address actually connected to on every attempt; this check only spares users a silent failure.
 */
@Injectable()
export class EndpointUrlCheck {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: WebhooksConfig) {}

  async assertAllowed(raw: string): Promise<void> {
    const policy = { allowPrivateNetworks: this.config.AGENTRY_ALLOW_PRIVATE_NETWORKS };
    let url: URL;
    try {
      url = checkOutboundUrl(raw, policy);
    } catch (err) {
      throw EndpointsError.badUrl((err as OutboundError).message);
    }
    if (policy.allowPrivateNetworks) return;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0) return;
    const addresses = await resolveWithin(host, DNS_BUDGET_MS);
    const blocked = addresses.find((a) => isPrivateAddress(a));
    if (blocked) {
      throw EndpointsError.badUrl(
        `${host} resolves to ${blocked}, a private, loopback or link-local address (an operator may allow it with AGENTRY_ALLOW_PRIVATE_NETWORKS=true)`,
      );
    }
  }
}

/** Addresses of a name; none when it does not resolve in time (it may later: the attempt checks again). */
async function resolveWithin(host: string, ms: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), ms)));
  const resolved = lookup(host, { all: true })
    .then((list) => list.map((a) => a.address))
    .catch(() => []);
  try {
    return await Promise.race([resolved, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
