import { LOGGER, Logger, SERVICE_CONFIG } from '@agentry/common';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionsConfig, MAKE_A_KEY } from '../config/connections.config';
import { EnvelopeCipher } from '../crypto/envelope-cipher';
import { MasterKeyring } from '../crypto/master-keyring';
import { PlatformsModule } from '../platforms/platforms.module';
import { ConnectionEntity } from './connection.entity';
import { ConnectionTester } from './connection-tester';
import { ConnectionVault } from './connection-vault';
import { ConnectionsHandler } from './connections.handler';
import { ConnectionsRepository } from './connections.repository';
import { CreateConnectionUseCase } from './create-connection/create-connection.use-case';
import { DeleteConnectionUseCase } from './delete-connection/delete-connection.use-case';
import { GetConnectionUseCase } from './get-connection/get-connection.use-case';
import { ListConnectionsUseCase } from './list-connections/list-connections.use-case';
import { McpChangeBroadcast } from './mcp-change-broadcast';
import { ReportAuthFailureUseCase } from './report-auth-failure/report-auth-failure.use-case';
import { ResolveConnectionUseCase } from './resolve-connection/resolve-connection.use-case';
import { TestConnectionConfigUseCase } from './test-connection-config/test-connection-config.use-case';
import { TestConnectionUseCase } from './test-connection/test-connection.use-case';
import { UpdateConnectionUseCase } from './update-connection/update-connection.use-case';

/** The keyring from the environment; says loudly when it is the public development key. */
function envelopeCipher(config: ConnectionsConfig, logger: Logger): EnvelopeCipher {
  const { keyring, usingDevKey } = MasterKeyring.fromSettings(config);
  if (usingDevKey) {
    logger.warn(
      { master_key_id: keyring.primary.id },
      `AGENTRY_MASTER_KEY is not set: connection secrets are encrypted with the PUBLIC development key. Fine for development and tests only; NODE_ENV=production refuses to start without a key (${MAKE_A_KEY}).`,
    );
  }
  logger.info({ master_key_id: keyring.primary.id, readable_key_ids: keyring.ids() }, 'connections keyring loaded');
  return new EnvelopeCipher(keyring);
}

@Module({
  imports: [TypeOrmModule.forFeature([ConnectionEntity]), PlatformsModule],
  controllers: [ConnectionsHandler],
  providers: [
    { provide: EnvelopeCipher, useFactory: envelopeCipher, inject: [SERVICE_CONFIG, LOGGER] },
    ConnectionsRepository,
    ConnectionVault,
    ConnectionTester,
    McpChangeBroadcast,
    CreateConnectionUseCase,
    ListConnectionsUseCase,
    GetConnectionUseCase,
    UpdateConnectionUseCase,
    DeleteConnectionUseCase,
    TestConnectionUseCase,
    TestConnectionConfigUseCase,
    ResolveConnectionUseCase,
    ReportAuthFailureUseCase,
  ],
  exports: [ConnectionsRepository, ConnectionVault, ReportAuthFailureUseCase, McpChangeBroadcast],
})
export class ConnectionsModule {}
