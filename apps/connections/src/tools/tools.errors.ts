import { ErrorCode } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import type { ConnectionEntity } from '../connections/connection.entity';

export const ToolsError = {
  unknownTool: (name: string) => AppError.notFound('Tool', name),
  /** No active connection provides the tool (424, like a run that needs a missing connection). */
  notConnected: (message: string) =>
    new AppError(ErrorCode.INTEGRATION_NOT_CONNECTED, message, [{ field: 'connection_id', reason: 'not connected' }]),
  ambiguous: (name: string, ids: string[]) =>
    AppError.invalid(`Several active connections provide ${name}; say which with connection_id`, [
      { field: 'connection_id', reason: `is required: one of ${ids.join(', ')}` },
    ]),
  /**
   * The platform refused the connection's credentials during a call. `failure` says the credentials
   * themselves are bad (401, a revoked or expired token): the connection is then marked failed. A 403
   * for one resource (missing scope, no access to a model) passes `null`: the connection stays active.
   */
  credentialsRefused: (platform: string, detail: string, failure: CredentialsFailure | null = 'auth') =>
    new CredentialsRefusedError(`${platform} refused the connection's credentials: ${detail}`, failure),
  /** The platform or server is down, rate limiting, or did not answer in time: worth retrying. */
  upstream: (message: string) => new AppError(ErrorCode.EXECUTION_FAILED, message),
};

/** `auth`: invalid or revoked credentials; `expired`: the platform says they expired. */
export type CredentialsFailure = 'auth' | 'expired';

/** INTEGRATION_NOT_CONNECTED (424) that remembers whether the connection itself has gone bad. */
export class CredentialsRefusedError extends AppError {
  constructor(
    message: string,
    readonly failure: CredentialsFailure | null,
  ) {
    super(ErrorCode.INTEGRATION_NOT_CONNECTED, message, [{ field: 'connection_id', reason: 'credentials refused' }]);
  }
}

const EXPIRED = /expired/i;

/** A 401's failure: `expired` when the platform says so (RFC 6750 `WWW-Authenticate`, or the error text), as connection tests read it. */
export function unauthorizedFailure(wwwAuthenticate: string | undefined, detail: string | undefined): CredentialsFailure {
  return EXPIRED.test(wwwAuthenticate ?? '') || EXPIRED.test(detail ?? '') ? 'expired' : 'auth';
}

/** The MCP server that may provide a tool failed to list its tools (unreachable, refused the token, redirected…): not a 404. */
export class McpListingError extends Error {
  constructor(
    readonly tool: string,
    readonly connection: ConnectionEntity,
    override readonly cause: unknown,
  ) {
    super(`The MCP server of ${connection.id} did not list its tools`);
    this.name = 'McpListingError';
  }
}
