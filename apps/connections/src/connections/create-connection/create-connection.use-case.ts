import { ConnectionView, CreateConnectionRequest, RpcContext } from '@agentry/contracts';
import { newId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigValidator } from '../../platforms/config-validator';
import { PlatformRegistry } from '../../platforms/platform-registry';
import { ConnectionEntity } from '../connection.entity';
import { ConnectionVault } from '../connection-vault';
import { ConnectionsRepository, toConnectionView } from '../connections.repository';
import { TestConnectionUseCase } from '../test-connection/test-connection.use-case';

@Injectable()
export class CreateConnectionUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ConnectionsRepository,
    private readonly registry: PlatformRegistry,
    private readonly validator: ConfigValidator,
    private readonly vault: ConnectionVault,
    private readonly testConnection: TestConnectionUseCase,
  ) {}

  async execute(ctx: RpcContext, req: CreateConnectionRequest): Promise<ConnectionView> {
    const platform = this.registry.require(req.platform);
    this.validator.validate(platform, req.config);
    const now = new Date();
    const connection = Object.assign(new ConnectionEntity(), {
      id: newId('con'),
      workspaceId: ctx.workspace_id,
      platform: platform.id,
      name: req.name,
      status: 'untested' as const,
      errorMessage: null,
      failureReason: null,
      lastTestedAt: null,
      revision: 1,
      createdAt: now,
      updatedAt: now,
    });
    this.vault.seal(connection, platform, req.config);
    await this.ds.transaction((m) => this.repo.insert(m, connection));
    if (req.test) return (await this.testConnection.execute(ctx, connection.id)).connection!;
    return toConnectionView(connection);
  }
}
