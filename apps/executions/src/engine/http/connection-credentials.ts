import { ConnectionsRpc, ErrorCode, ResolvedConnection } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { ServiceRpcClient } from '../../rpc/service-rpc.client';
import { StepError, StepErrorCode } from '../steps/step-error';

type HeaderBuilder = (config: Record<string, unknown>) => Record<string, string>;

const bearer =
  (field: string): HeaderBuilder =>
  (c): Record<string, string> =>
    c[field] ? { authorization: `Bearer ${String(c[field])}` } : {};

/** How each platform's credentials go on an outbound request (the connections service's platform catalog). */
const HEADERS: Record<string, HeaderBuilder> = {
  http_bearer: (c) => {
    const scheme = c.scheme === undefined ? 'Bearer' : String(c.scheme);
    return { [String(c.header ?? 'Authorization').toLowerCase()]: scheme ? `${scheme} ${String(c.token)}` : String(c.token) };
  },
  http_basic: (c) => ({ authorization: `Basic ${Buffer.from(`${String(c.username)}:${String(c.password ?? '')}`).toString('base64')}` }),
  github: bearer('token'),
  slack: bearer('bot_token'),
  openai: (c) => ({ ...bearer('api_key')(c), ...(c.organization ? { 'openai-organization': String(c.organization) } : {}) }),
  anthropic: (c) => ({ 'x-api-key': String(c.api_key), 'anthropic-version': String(c.anthropic_version ?? '2023-06-01') }),
  mcp: bearer('auth_token'),
};

/** Where a connection's credentials may be sent: its base URL (`url` for MCP). */
export function connectionBase(config: Record<string, unknown>): string | undefined {
  const base = config.base_url ?? config.url;
  return typeof base === 'string' && base ? base : undefined;
}

/**
 * True when `target` is the base URL or below it: same scheme, host and port, and a path under the
 * base path. Credentials never go to another host, whatever URL the step computed.
 */
export function isWithinBase(target: URL, base: string): boolean {
  let b: URL;
  try {
    b = new URL(base);
  } catch {
    return false;
  }
  if (target.origin !== b.origin) return false;
  const basePath = b.pathname.endsWith('/') ? b.pathname : `${b.pathname}/`;
  return `${target.pathname.replace(/\/+$/, '')}/`.startsWith(basePath);
}

/** Turns an `http` step's `connection_id` into the headers that authenticate it, asking the connections service. */
@Injectable()
export class ConnectionCredentials {
  constructor(private readonly rpc: ServiceRpcClient) {}

  async headersFor(
    connectionId: string,
    workspaceId: string,
    target: URL,
    existing: Record<string, string>,
  ): Promise<Record<string, string>> {
    let connection: ResolvedConnection;
    try {
      connection = await this.rpc.call(ConnectionsRpc.resolve, { connection_id: connectionId }, workspaceId);
    } catch (err) {
      if (err instanceof AppError && (err.code === ErrorCode.NOT_FOUND || err.code === ErrorCode.INTEGRATION_NOT_CONNECTED)) {
        throw new StepError(StepErrorCode.INTEGRATION_NOT_CONNECTED, `connection ${connectionId}: ${err.message}`);
      }
      throw new StepError(StepErrorCode.STEP_FAILED, `connection ${connectionId} could not be resolved: ${(err as Error).message}`, {
        retryable: true,
      });
    }
    if (connection.status === 'expired' || connection.status === 'error') {
      throw new StepError(StepErrorCode.INTEGRATION_NOT_CONNECTED, `connection ${connectionId} is ${connection.status}; test or update it`);
    }
    const base = connectionBase(connection.config);
    if (!base || !isWithinBase(target, base)) {
      throw new StepError(
        StepErrorCode.INVALID_STEP_INPUT,
        `connection ${connectionId} authenticates requests to ${base ?? 'its base URL'} only; ${target.origin}${target.pathname} is outside it`,
      );
    }
    const build = HEADERS[connection.platform];
    if (!build)
      throw new StepError(
        StepErrorCode.INTEGRATION_NOT_CONNECTED,
        `connection ${connectionId} (${connection.platform}) cannot authenticate http steps`,
      );
    const headers = build(connection.config);
    // Headers written in the step win over the connection's.
    for (const key of Object.keys(headers)) if (existing[key] !== undefined) delete headers[key];
    return headers;
  }
}
