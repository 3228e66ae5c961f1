import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionsModule } from '../connections/connections.module';
import { PlatformsModule } from '../platforms/platforms.module';
import { ToolCallEntity } from './audit/tool-call.entity';
import { ToolCallsRepository } from './audit/tool-calls.repository';
import { CallToolUseCase } from './call-tool/call-tool.use-case';
import { ToolInvoker } from './call-tool/tool-invoker';
import { ToolResolver } from './call-tool/tool-resolver';
import { ListToolsUseCase } from './list-tools/list-tools.use-case';
import { McpSessionPool } from './mcp/mcp-session-pool';
import { ToolCatalog } from './tool-catalog';
import { ToolRegistry } from './tool-registry';
import { ToolsHandler } from './tools.handler';

/** The tool catalog (built-in, platform and MCP tools) and audited tool calls. */
@Module({
  imports: [TypeOrmModule.forFeature([ToolCallEntity]), ConnectionsModule, PlatformsModule],
  controllers: [ToolsHandler],
  providers: [
    { provide: ToolRegistry, useValue: new ToolRegistry() },
    ToolCallsRepository,
    McpSessionPool,
    ToolCatalog,
    ToolResolver,
    ToolInvoker,
    ListToolsUseCase,
    CallToolUseCase,
  ],
})
export class ToolsModule {}
