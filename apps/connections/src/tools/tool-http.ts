import { outboundRequest, OutboundPolicy } from '@agentry/common';
import { ToolHttp } from './tool';

/** Largest response a tool reads (a model does not want more, and neither does the audit). */
const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

/** A ToolHttp bound to one call: the outbound guard's policy and the call's deadline. */
export function toolHttp(policy: OutboundPolicy, deadline: number): ToolHttp {
  return (url, init = {}) => {
    const headers: Record<string, string> = { 'user-agent': 'Agentry/0.1 (+tools)', ...(init.headers ?? {}) };
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    return outboundRequest(
      url,
      { method: init.method ?? 'GET', headers, body, timeoutMs: Math.max(1, deadline - Date.now()), maxResponseBytes: MAX_RESPONSE_BYTES },
      policy,
    );
  };
}
