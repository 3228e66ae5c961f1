import { CoreModule } from '@agentry/common';
import { Module } from '@nestjs/common';
import { ConnectionsConfig } from './config/connections.config';
import { ConnectionEntity } from './connections/connection.entity';
import { ConnectionsModule } from './connections/connections.module';
import { migrations } from './database/migrations';
import { ToolCallEntity } from './tools/audit/tool-call.entity';
import { ToolsModule } from './tools/tools.module';

@Module({
  imports: [
    CoreModule.forRoot({ name: 'connections', config: ConnectionsConfig, entities: [ConnectionEntity, ToolCallEntity], migrations }),
    ConnectionsModule,
    ToolsModule,
  ],
})
export class AppModule {}
