import { LOGGER, Logger } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ConnectionEntity } from '../connections/connection.entity';
import { ConnectionVault } from '../connections/connection-vault';
import { ConnectionsRepository } from '../connections/connections.repository';
import { McpChangeBroadcast } from '../connections/mcp-change-broadcast';
import { ConfigValidator } from '../platforms/config-validator';
import { JsonSchema } from '../platforms/platform';
import { PlatformRegistry } from '../platforms/platform-registry';
import { McpConnectionRef } from './mcp/mcp-session-pool';
import { McpSessionPool } from './mcp/mcp-session-pool';
import { CatalogTool, ToolDefinition } from './tool';
import { MCP_PREFIX, ToolRegistry } from './tool-registry';
import { TOOL_NAME_PATTERN } from '@agentry/contracts';

export interface McpTool {
  connection: ConnectionEntity;
  tool: Tool;
}

export interface McpListingFailure {
  connection: ConnectionEntity;
  error: unknown;
}

/**
 * What tools a workspace has: the built-in ones, the platform tools of its active connections, and
 * the tools its MCP servers list (through the session pool's cache).
 */
@Injectable()
export class ToolCatalog {
  constructor(
    readonly registry: ToolRegistry,
    private readonly platforms: PlatformRegistry,
    private readonly connections: ConnectionsRepository,
    private readonly vault: ConnectionVault,
    private readonly validator: ConfigValidator,
    private readonly pool: McpSessionPool,
    private readonly mcpChanges: McpChangeBroadcast,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** With `refresh`, every replica drops its cached MCP tools of the workspace, not only the one answering. */
  async list(workspaceId: string, includeAll: boolean, refresh: boolean): Promise<CatalogTool[]> {
    const active = await this.connections.listActive(workspaceId);
    const out: CatalogTool[] = this.registry.builtins.map((t) => builtinEntry(t));
    for (const c of active) for (const t of this.registry.forPlatform(c.platform)) out.push(platformEntry(t, c));
    const servers = active.filter((c) => c.platform === 'mcp');
    if (refresh) await Promise.all(servers.map((c) => this.mcpChanges.announce(c.id, 'tools')));
    const mcp = await this.mcpTools(servers, refresh);
    for (const { connection, tool } of mcp) out.push(mcpEntry(tool, connection));
    if (includeAll) {
      const connected = new Set(active.map((c) => c.platform));
      for (const t of this.registry.platformTools)
        if (!connected.has(t.platform!)) out.push({ ...platformEntry(t, null), available: false });
    }
    return out;
  }

  /** The tools of these MCP connections; a server that cannot be reached is left out (and logged), not an error for the whole list. */
  async mcpTools(connections: ConnectionEntity[], refresh = false): Promise<McpTool[]> {
    return (await this.mcpListing(connections, refresh)).tools;
  }

  /** mcpTools, and why each server that did not list its tools failed (a tool call explains the failure instead of a 404). */
  async mcpListing(connections: ConnectionEntity[], refresh = false): Promise<{ tools: McpTool[]; failures: McpListingFailure[] }> {
    const lists = await Promise.allSettled(connections.map((c) => this.pool.listTools(this.mcpRef(c), refresh)));
    const out: McpTool[] = [];
    const failures: McpListingFailure[] = [];
    lists.forEach((res, i) => {
      const connection = connections[i];
      if (res.status === 'rejected') {
        this.logger.warn({ connection_id: connection.id, err: describe(res.reason) }, 'MCP server did not list its tools');
        failures.push({ connection, error: res.reason });
        return;
      }
      for (const tool of res.value) {
        if (TOOL_NAME_PATTERN.test(MCP_PREFIX + tool.name)) out.push({ connection, tool });
        else this.logger.warn({ connection_id: connection.id, tool: tool.name.slice(0, 200) }, 'MCP tool skipped: its name is not usable');
      }
    });
    return { tools: out, failures };
  }

  /** What the pool needs to open a session: the decrypted config and the revision it belongs to. */
  mcpRef(c: ConnectionEntity): McpConnectionRef {
    const config = this.openConfig(c).config;
    return {
      id: c.id,
      revision: String(c.revision),
      config: {
        url: String(config.url),
        auth_token: config.auth_token as string | undefined,
        headers: config.headers as Record<string, string>,
      },
    };
  }

  /** The decrypted config with the platform defaults, and the secret strings for scrubbing. */
  openConfig(c: ConnectionEntity): { config: Record<string, unknown>; secrets: string[] } {
    const { config, secrets } = this.vault.open(c);
    return { config: this.validator.withDefaults(this.platforms.require(c.platform), config), secrets };
  }
}

function builtinEntry(t: ToolDefinition): CatalogTool {
  return {
    name: t.name,
    description: t.description,
    source: 'builtin',
    platform: null,
    connectionId: null,
    connectionName: null,
    inputSchema: t.inputSchema,
    available: true,
  };
}

function platformEntry(t: ToolDefinition, c: ConnectionEntity | null): CatalogTool {
  return {
    name: t.name,
    description: t.description,
    source: 'platform',
    platform: t.platform ?? null,
    connectionId: c?.id ?? null,
    connectionName: c?.name ?? null,
    inputSchema: t.inputSchema,
    available: c !== null,
  };
}

function mcpEntry(tool: Tool, c: ConnectionEntity): CatalogTool {
  return {
    name: MCP_PREFIX + tool.name,
    description: tool.description ?? tool.title ?? tool.name,
    source: 'mcp',
    platform: 'mcp',
    connectionId: c.id,
    connectionName: c.name,
    inputSchema: tool.inputSchema as JsonSchema,
    available: true,
  };
}

export function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; code?: unknown };
  return `${e?.name ?? 'Error'}${e?.code !== undefined ? ` ${String(e.code)}` : ''}: ${e?.message ?? String(err)}`.slice(0, 300);
}
