import { ConnectionsRpc, ErrorCode, ResolvedConnection } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { AuthFailureReporter } from '../../ai/auth-failure-reporter';
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

/** How an `http` step is authenticated with a connection. */
export interface ConnectionAuth {
  connectionId: string;
  workspaceId: string;
  /** The connection's config revision, for a report of refused credentials. */
  revision?: number;
  /** What to add to the request's headers. */
  headers: Record<string, string>;
  /** Every header of the connection goes out as it made it: a 401 is about its credentials, not about headers the step wrote. */
  ownsCredentials: boolean;
}

/** What a refused request answered, for the connection's error message. */
export interface RefusedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * Turns an `http` step's `connection_id` into the headers that authenticate it, asking the connections
 * service; and tells that service when the target refused them.
 */
@Injectable()
export class ConnectionCredentials {
  constructor(
    private readonly rpc: ServiceRpcClient,
    private readonly authFailures: AuthFailureReporter,
  ) {}

  async authenticate(connectionId: string, workspaceId: string, target: URL, existing: Record<string, string>): Promise<ConnectionAuth> {
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
    const built = Object.keys(headers).length;
    // Headers written in the step win over the connection's.
    for (const key of Object.keys(headers)) if (existing[key] !== undefined) delete headers[key];
    const ownsCredentials = built > 0 && Object.keys(headers).length === built;
    return { connectionId, workspaceId, revision: connection.revision, headers, ownsCredentials };
  }

  /**
   * The target answered 401 to a request carrying the connection's credentials: the connection is
   * marked failed (through the connections service), as a model call's 401 does. The request went to
   * the connection's base URL (authenticate checked it, and authenticated requests follow no redirect).
   * Never throws; the response stays the step's output.
   */
  async refused(auth: ConnectionAuth, request: RefusedRequest): Promise<void> {
    if (!auth.ownsCredentials) return;
    await this.authFailures.report(auth, { status: 401, message: refusalMessage(request), source: 'http_step' });
  }
}

/** `HTTP 401 from GET https://host/path`, with the `WWW-Authenticate` challenge and the body's error text when there are. */
export function refusalMessage(request: RefusedRequest): string {
  const parts = [`HTTP 401 from ${request.method} ${request.url.origin}${request.url.pathname}`];
  const challenge = request.headers['www-authenticate'];
  if (challenge) parts.push(`WWW-Authenticate: ${challenge.slice(0, 300)}`);
  const detail = errorText(request.body);
  if (detail) parts.push(detail);
  return parts.join('; ');
}

/** The usual places an API puts its error text: `error` (or `error.message`), `message`, `error_description`, `detail`. */
function errorText(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const nested = b.error as Record<string, unknown> | string | undefined;
  const candidates = [typeof nested === 'object' ? nested?.message : nested, b.message, b.error_description, b.detail];
  return candidates.find((c): c is string => typeof c === 'string' && c.length > 0)?.slice(0, 200);
}
