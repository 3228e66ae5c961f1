import { ProviderError } from '@agentry/ai';
import { ConnectionsRpc, ReportAuthFailureRequest } from '@agentry/contracts';
import { LOGGER, Logger } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { ServiceRpcClient } from '../rpc/service-rpc.client';

export interface RefusedConnection {
  workspaceId: string;
  connectionId: string;
  /** The revision `connections.resolve` answered with: a config changed since is not marked. */
  revision?: number;
}

/** A call this service made with a connection's credentials, refused: its HTTP status and what the platform said. */
export interface CallRefusal {
  status: number | undefined;
  message: string;
  source: Exclude<ReportAuthFailureRequest['source'], 'tool_call'>;
}

const EXPIRED = /expired/i;
const SOURCE_TEXT: Record<CallRefusal['source'], string> = { model_call: 'model provider', http_step: 'http step target' };

/**
 * Tells the connections service that a platform refused a connection's credentials (HTTP 401 to a model
 * call or to an authenticated `http` step), so the connection becomes `error` (or `expired`) and
 * `integration.disconnected` goes out. Only connections writes its table; a 403 (no access to one model,
 * one resource) says nothing about the credentials and is not reported.
 */
@Injectable()
export class AuthFailureReporter {
  constructor(
    private readonly rpc: ServiceRpcClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  static isRevokedKey(err: unknown): err is ProviderError {
    return err instanceof ProviderError && err.kind === 'auth' && err.status === 401;
  }

  /**
   * Reports a 401 (anything else is ignored). Never throws: the step goes on with its own outcome
   * whether or not the report lands. Returns a note for the step's error when the connection has
   * just been marked failed.
   */
  async report(target: RefusedConnection, refused: ProviderError | CallRefusal): Promise<string> {
    const refusal: CallRefusal =
      refused instanceof ProviderError ? { status: refused.status, message: refused.message, source: 'model_call' } : refused;
    if (refusal.status !== 401) return '';
    try {
      const reply = await this.rpc.call(
        ConnectionsRpc.reportAuthFailure,
        {
          connection_id: target.connectionId,
          ...(target.revision !== undefined ? { revision: target.revision } : {}),
          reason: EXPIRED.test(refusal.message) ? 'expired' : 'auth',
          message: refusal.message.slice(0, 2000),
          source: refusal.source,
        },
        target.workspaceId,
      );
      if (!reply.changed) return '';
      this.logger.warn(
        { connection_id: target.connectionId, status: reply.status, source: refusal.source },
        `${SOURCE_TEXT[refusal.source]} refused the connection`,
      );
      return ` (connection ${target.connectionId} is now ${reply.status}; update its credentials and test it)`;
    } catch (e) {
      this.logger.warn({ connection_id: target.connectionId, err: (e as Error).message }, 'could not report a refused connection');
      return '';
    }
  }
}
