import { ReportAuthFailureReply, ReportAuthFailureRequest, RpcContext } from '@agentry/contracts';
import { isId, LOGGER, Logger, Outbox } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PlatformRegistry } from '../../platforms/platform-registry';
import { scrub } from '../../platforms/secret-fields';
import { ConnectionEntity } from '../connection.entity';
import { ConnectionVault } from '../connection-vault';
import { ConnectionsError } from '../connections.errors';
import { ConnectionsRepository } from '../connections.repository';
import { addDisconnectedEvent } from '../disconnected-event';
import { SERVICE_ACTOR } from '../resolve-connection/resolve-connection.use-case';

export type CallFailure = Pick<ReportAuthFailureRequest, 'reason' | 'message' | 'source'>;

const MAX_MESSAGE = 500;
const SOURCE_TEXT = { tool_call: 'a tool call', model_call: 'a model call', http_step: 'an http step' } as const;

/**
 * A call made with a connection (a tool call here; a model call or an `http` step of the executions engine) was refused
 * as unauthenticated: an `active` connection of the same revision becomes `error` (or `expired`) with
 * the scrubbed reason, and `agentry.connections.disconnected` goes out in the same transaction. Anything
 * else (already failed, config changed since, deleted) is left alone, so repeated reports are no-ops.
 * A later successful test makes it `active` again.
 */
@Injectable()
export class ReportAuthFailureUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ConnectionsRepository,
    private readonly registry: PlatformRegistry,
    private readonly vault: ConnectionVault,
    private readonly outbox: Outbox,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `connections.report_auth_failure`, from another service. */
  async execute(ctx: RpcContext, req: ReportAuthFailureRequest): Promise<ReportAuthFailureReply> {
    if (!ctx.actor || !SERVICE_ACTOR.test(ctx.actor)) throw ConnectionsError.callerNotAllowed();
    if (!isId('con', req.connection_id)) return { connection_id: req.connection_id, status: null, changed: false };
    return this.record(ctx.workspace_id, req.connection_id, req.revision, req);
  }

  /** The same for a call this service made with `connection` (the revision it was loaded at). */
  forConnection(connection: ConnectionEntity, failure: CallFailure): Promise<ReportAuthFailureReply> {
    return this.record(connection.workspaceId, connection.id, connection.revision, failure);
  }

  private async record(workspaceId: string, id: string, revision: number | undefined, failure: CallFailure) {
    const reply = await this.ds.transaction(async (m): Promise<ReportAuthFailureReply> => {
      const row = await this.repo.find(workspaceId, id, m, true);
      if (!row) return { connection_id: id, status: null, changed: false };
      const stale = revision !== undefined && row.revision !== revision;
      if (stale || row.status !== 'active') return { connection_id: id, status: row.status, changed: false };
      const previous = row.status;
      const at = new Date();
      Object.assign(row, {
        status: failure.reason === 'expired' ? 'expired' : 'error',
        errorMessage: this.describe(row, failure),
        failureReason: failure.reason,
        updatedAt: at,
      });
      await this.repo.recordTest(m, row);
      await addDisconnectedEvent(this.outbox, m, row, previous, at.toISOString(), failure.source);
      return { connection_id: id, status: row.status, changed: true };
    });
    if (reply.changed) {
      this.outbox.flush();
      this.logger.warn(
        { connection_id: id, status: reply.status, reason: failure.reason, source: failure.source },
        'connection refused during a call: marked as failed until it is tested again',
      );
    }
    return reply;
  }

  /** What the platform said, with every secret of the connection (derived ones included) scrubbed out. */
  private describe(row: ConnectionEntity, failure: CallFailure): string {
    const { config, secrets } = this.vault.open(row);
    const derived = this.registry.find(row.platform)?.derivedSecrets?.(config) ?? [];
    const text = `Credentials refused during ${SOURCE_TEXT[failure.source]}: ${failure.message}`;
    return scrub(text, [...secrets, ...derived.filter((s) => s.length >= 4)]).slice(0, MAX_MESSAGE);
  }
}
