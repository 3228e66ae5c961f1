import { isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ConnectionEntity } from '../../connections/connection.entity';
import { ConnectionsError } from '../../connections/connections.errors';
import { ConnectionsRepository } from '../../connections/connections.repository';
import { PlatformRegistry } from '../../platforms/platform-registry';
import { JsonSchema } from '../../platforms/platform';
import { ToolDefinition } from '../tool';
import { ToolCatalog } from '../tool-catalog';
import { MCP_PREFIX } from '../tool-registry';
import { McpListingError, ToolsError } from '../tools.errors';

export type ResolvedTool =
  | { kind: 'builtin'; name: string; tool: ToolDefinition; connection: null; inputSchema: JsonSchema }
  | { kind: 'platform'; name: string; tool: ToolDefinition; connection: ConnectionEntity; inputSchema: JsonSchema }
  | { kind: 'mcp'; name: string; tool: Tool; connection: ConnectionEntity; inputSchema: JsonSchema };

/**
 * A tool name (and maybe a connection) → what to call and with which connection. Without a
 * connection_id the one active connection that provides the tool is used; none is 424, several is 400.
 */
@Injectable()
export class ToolResolver {
  constructor(
    private readonly catalog: ToolCatalog,
    private readonly connections: ConnectionsRepository,
    private readonly platforms: PlatformRegistry,
  ) {}

  async resolve(workspaceId: string, name: string, connectionId?: string): Promise<ResolvedTool> {
    if (name.startsWith(MCP_PREFIX)) return this.resolveMcp(workspaceId, name, connectionId);
    const tool = this.catalog.registry.find(name);
    if (!tool) throw ToolsError.unknownTool(name);
    if (!tool.platform) return { kind: 'builtin', name, tool, connection: null, inputSchema: tool.inputSchema };
    const connection = await this.connectionFor(workspaceId, tool.platform, connectionId, name);
    return { kind: 'platform', name, tool, connection, inputSchema: tool.inputSchema };
  }

  private async resolveMcp(workspaceId: string, name: string, connectionId?: string): Promise<ResolvedTool> {
    const toolName = name.slice(MCP_PREFIX.length);
    const candidates = connectionId
      ? [await this.named(workspaceId, 'mcp', connectionId)]
      : await this.connections.listActive(workspaceId, ['mcp']);
    if (candidates.length === 0) throw ToolsError.notConnected(`No MCP server is connected in this workspace, so ${name} cannot be called`);
    let listing = await this.catalog.mcpListing(candidates);
    let found = listing.tools.filter((t) => t.tool.name === toolName);
    // The tool may be new since the list was cached: ask once more before answering 404.
    if (found.length === 0) {
      listing = await this.catalog.mcpListing(candidates, true);
      found = listing.tools.filter((t) => t.tool.name === toolName);
    }
    // It may be a tool of a server that did not answer: say why, rather than 404.
    const failed = listing.failures[0];
    if (found.length === 0 && failed) throw new McpListingError(name, failed.connection, failed.error);
    if (found.length === 0) throw ToolsError.unknownTool(name);
    if (found.length > 1)
      throw ToolsError.ambiguous(
        name,
        found.map((f) => f.connection.id),
      );
    const { tool, connection } = found[0];
    return { kind: 'mcp', name, tool, connection, inputSchema: tool.inputSchema as JsonSchema };
  }

  private async connectionFor(
    workspaceId: string,
    platform: string,
    connectionId: string | undefined,
    name: string,
  ): Promise<ConnectionEntity> {
    if (connectionId) return this.named(workspaceId, platform, connectionId);
    const active = await this.connections.listActive(workspaceId, [platform]);
    const platformName = this.platforms.find(platform)?.name ?? platform;
    if (active.length === 0) {
      throw ToolsError.notConnected(
        `${platformName} is not connected: ${name} needs an active ${platformName} connection in this workspace`,
      );
    }
    if (active.length > 1)
      throw ToolsError.ambiguous(
        name,
        active.map((c) => c.id),
      );
    return active[0];
  }

  /** The connection the caller named: it must exist here, be of the tool's platform, and be active. */
  private async named(workspaceId: string, platform: string, connectionId: string): Promise<ConnectionEntity> {
    const platformName = this.platforms.find(platform)?.name ?? platform;
    const c = isId('con', connectionId) ? await this.connections.find(workspaceId, connectionId) : null;
    if (!c)
      throw ConnectionsError.notConnected(`${platformName} is not connected: connection ${connectionId} does not exist in this workspace`);
    if (c.platform !== platform) {
      throw ConnectionsError.notConnected(
        `${platformName} is not connected: connection ${c.id} is a ${this.platforms.find(c.platform)?.name ?? c.platform} connection`,
      );
    }
    if (c.status !== 'active') {
      const why = c.status === 'untested' ? 'it has not been tested yet' : `its status is ${c.status}`;
      throw ConnectionsError.notConnected(`${platformName} is not connected: connection ${c.id} is not active, ${why}`);
    }
    return c;
  }
}
