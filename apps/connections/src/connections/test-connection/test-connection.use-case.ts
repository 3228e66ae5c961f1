import { ConnectionTestView, RpcContext } from '@agentry/contracts';
import { Outbox } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { PlatformRegistry } from '../../platforms/platform-registry';
import { ConnectionEntity } from '../connection.entity';
import { ConnectionTester, TestRun } from '../connection-tester';
import { ConnectionVault } from '../connection-vault';
import { ConnectionsError } from '../connections.errors';
import { ConnectionsRepository, toConnectionView } from '../connections.repository';
import { addDisconnectedEvent } from '../disconnected-event';
import { GetConnectionUseCase } from '../get-connection/get-connection.use-case';
import { McpChangeBroadcast } from '../mcp-change-broadcast';

const isAuthFailure = (reason: string | null) => reason === 'auth' || reason === 'expired';

/**
 * Tests a saved connection and records the result. An auth failure on a connection that was not
 * already known to be disconnected emits `agentry.connections.disconnected`, in the same transaction.
 */
@Injectable()
export class TestConnectionUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ConnectionsRepository,
    private readonly getConnection: GetConnectionUseCase,
    private readonly registry: PlatformRegistry,
    private readonly vault: ConnectionVault,
    private readonly tester: ConnectionTester,
    private readonly outbox: Outbox,
    private readonly mcpChanges: McpChangeBroadcast,
  ) {}

  async execute(ctx: RpcContext, id: string): Promise<ConnectionTestView> {
    const tested = await this.getConnection.load(ctx, id);
    const platform = this.registry.require(tested.platform);
    const { config, secrets } = this.vault.open(tested);
    const run = await this.tester.run(platform, config, secrets, tested.id);
    const connection = await this.ds.transaction((m) => this.record(m, tested, run));
    this.outbox.flush();
    // A tested MCP server is listed afresh on every replica (it may have changed while it was failing).
    if (tested.platform === 'mcp') await this.mcpChanges.announce(tested.id, 'tools');
    return { ...run.view, connection: toConnectionView(connection) };
  }

  private async record(m: EntityManager, tested: ConnectionEntity, run: TestRun): Promise<ConnectionEntity> {
    const row = await this.repo.find(tested.workspaceId, tested.id, m, true);
    if (!row) throw ConnectionsError.notFound(tested.id);
    // The config changed while the test ran: this result is about credentials that are gone.
    if (row.revision !== tested.revision) return row;
    const previous = { status: row.status, failure: row.failureReason };
    Object.assign(row, {
      status: run.view.status,
      errorMessage: run.view.error_message,
      failureReason: run.failure,
      lastTestedAt: new Date(run.view.tested_at),
      updatedAt: new Date(),
    });
    await this.repo.recordTest(m, row);
    if (isAuthFailure(run.failure) && !isAuthFailure(previous.failure)) {
      await addDisconnectedEvent(this.outbox, m, row, previous.status, run.view.tested_at, 'test');
    }
    return row;
  }
}
