import { ResolveConnectionRequest, ResolvedConnection, RpcContext } from '@agentry/contracts';
import { isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { ConfigValidator } from '../../platforms/config-validator';
import { PlatformRegistry } from '../../platforms/platform-registry';
import { ConnectionVault } from '../connection-vault';
import { ConnectionsError } from '../connections.errors';
import { ConnectionsRepository } from '../connections.repository';

/** Service actors look like `system:executions`; API keys (`key_…`) never get decrypted secrets. */
export const SERVICE_ACTOR = /^system:[a-z][a-z0-9_-]*$/;

/**
 * The decrypted config of an active connection, for the services that act with it. A connection that
 * is missing, of another platform or not active answers INTEGRATION_NOT_CONNECTED naming the platform.
 */
@Injectable()
export class ResolveConnectionUseCase {
  constructor(
    private readonly repo: ConnectionsRepository,
    private readonly registry: PlatformRegistry,
    private readonly validator: ConfigValidator,
    private readonly vault: ConnectionVault,
  ) {}

  async execute(ctx: RpcContext, req: ResolveConnectionRequest): Promise<ResolvedConnection> {
    if (!ctx.actor || !SERVICE_ACTOR.test(ctx.actor)) throw ConnectionsError.callerNotAllowed();
    const wanted = req.platform ? (this.registry.find(req.platform)?.name ?? req.platform) : undefined;
    const connection = isId('con', req.connection_id) ? await this.repo.find(ctx.workspace_id, req.connection_id) : null;
    if (!connection) {
      throw ConnectionsError.notConnected(
        wanted
          ? `${wanted} is not connected: connection ${req.connection_id} does not exist in this workspace`
          : `Connection ${req.connection_id} does not exist in this workspace`,
      );
    }
    const platform = this.registry.require(connection.platform);
    if (req.platform && req.platform !== connection.platform) {
      throw ConnectionsError.notConnected(`${wanted} is not connected: connection ${connection.id} is a ${platform.name} connection`);
    }
    if (connection.status !== 'active') {
      const why = connection.status === 'untested' ? 'it has not been tested yet' : `its status is ${connection.status}`;
      const detail = connection.errorMessage ? ` (${connection.errorMessage})` : '';
      throw ConnectionsError.notConnected(`${platform.name} is not connected: connection ${connection.id} is not active, ${why}${detail}`);
    }
    const { config } = this.vault.open(connection);
    return {
      id: connection.id,
      platform: connection.platform,
      name: connection.name,
      status: connection.status,
      config: this.validator.withDefaults(platform, config),
      revision: connection.revision,
    };
  }
}
