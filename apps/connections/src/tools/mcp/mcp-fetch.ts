import { checkOutboundUrl, outboundDispatcher, OutboundPolicy } from '@agentry/common';
import { fetch as undiciFetch } from 'undici';

/**
 * The MCP SDK's transport fetches through this: each URL is checked by the outbound guard, and the
 * connection goes through the guarded dispatcher (the IP a name resolves to is checked at connect time).
 */
export function guardedFetch(policy: OutboundPolicy): (url: string | URL, init?: RequestInit) => Promise<Response> {
  return async (url, init) => {
    checkOutboundUrl(url, policy);
    return (await undiciFetch(url, { ...(init as object), dispatcher: outboundDispatcher(policy) } as never)) as unknown as Response;
  };
}
