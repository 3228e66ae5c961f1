import { LOGGER, Logger, NATS, NatsHandles, SERVICE_CONFIG, waitAtMost } from '@agentry/common';
import { ConnectionsInternal, McpChangedMessage } from '@agentry/contracts';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { ConnectionsConfig } from '../../config/connections.config';
import { McpCallOptions, McpServerConfig, McpSession } from './mcp-session';

export interface McpConnectionRef {
  id: string;
  /** Changes whenever the connection's config does: a new revision opens a new session. */
  revision: string;
  config: McpServerConfig;
}

/**
 * MCP sessions, one per connection, kept open so tools/list answers come from the cache and
 * `notifications/tools/list_changed` reaches us. Idle sessions are closed; a failed one is replaced
 * on next use. Each replica holds its own sessions; a refresh or a connection change made on any replica
 * reaches all of them as `connections.mcp_changed` (McpChangeBroadcast). A stop lets the calls under way finish
 * before it closes the sessions (beforeApplicationShutdown).
 */
@Injectable()
export class McpSessionPool implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sessions = new Map<string, McpSession>();
  private readonly sweeper: NodeJS.Timeout;
  /** Listings and calls under way, each settled (never rejecting): what a stop waits for. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ConnectionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(NATS) private readonly nats: NatsHandles,
  ) {
    this.sweeper = setInterval(() => void this.closeIdle(), 60_000);
    this.sweeper.unref();
  }

  onApplicationBootstrap(): void {
    this.nats.nc.subscribe(ConnectionsInternal.mcpChanged, {
      callback: (err, msg) => {
        if (err) return;
        let change: Partial<McpChangedMessage>;
        try {
          change = msg.json<Partial<McpChangedMessage>>();
        } catch {
          return;
        }
        if (typeof change?.connection_id !== 'string') return;
        // Anything but a plain tools refresh closes the session: the safe reading of a message we do not know.
        this.changed(change.connection_id, change.drop === 'tools' ? 'tools' : 'session');
      },
    });
  }

  listTools(conn: McpConnectionRef, refresh = false): Promise<Tool[]> {
    return this.track(this.list(conn, refresh));
  }

  callTool(conn: McpConnectionRef, name: string, args: Record<string, unknown>, options: McpCallOptions): Promise<CallToolResult> {
    return this.track(this.call(conn, name, args, options));
  }

  private async list(conn: McpConnectionRef, refresh: boolean): Promise<Tool[]> {
    const session = this.session(conn);
    try {
      return await session.listTools(this.config.MCP_LIST_TIMEOUT_MS, refresh);
    } catch (err) {
      await this.drop(conn.id, session);
      throw err;
    }
  }

  private async call(
    conn: McpConnectionRef,
    name: string,
    args: Record<string, unknown>,
    options: McpCallOptions,
  ): Promise<CallToolResult> {
    const session = this.session(conn);
    try {
      return await session.callTool(name, args, options);
    } catch (err) {
      // A session whose transport failed is not reused; a tool error (an McpError reply) keeps it.
      if (session.closed || !isMcpReply(err)) await this.drop(conn.id, session);
      throw err;
    }
  }

  /**
   * A connection changed here or on another replica: drop its cached tools (the session stays open),
   * or its whole session (config changed, or deleted). Synchronous, so a request that arrives after
   * the message was handled never sees the old state.
   */
  changed(connectionId: string, drop: McpChangedMessage['drop']): void {
    const s = this.sessions.get(connectionId);
    if (!s) return;
    this.logger.debug({ connection_id: connectionId, drop }, 'MCP connection changed: cached state dropped');
    if (drop === 'tools') s.dropTools();
    else void this.drop(connectionId, s);
  }

  /**
   * A stop: Nest closes the RPC server only after its shutdown hooks, and that close waits for the answers in
   * hand, so a tool call under way must still reach its server. The sessions close once the calls in flight
   * (including any that arrive meanwhile) have ended, or after SHUTDOWN_GRACE_MS − 1 s. Closing them at once
   * (onModuleDestroy, as before) failed every call in flight with "Connection closed".
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    const deadline = Date.now() + Math.max(0, this.config.SHUTDOWN_GRACE_MS - 1_000);
    while (this.inFlight.size > 0 && Date.now() < deadline) await waitAtMost(Promise.all([...this.inFlight]), deadline - Date.now());
    await Promise.all([...this.sessions.values()].map((s) => s.close()));
    this.sessions.clear();
  }

  private track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return work;
  }

  private session(conn: McpConnectionRef): McpSession {
    const existing = this.sessions.get(conn.id);
    if (existing && !existing.closed && existing.revision === conn.revision) return existing;
    if (existing) void existing.close();
    const policy = { allowPrivateNetworks: this.config.AGENTRY_ALLOW_PRIVATE_NETWORKS };
    const limits = { toolsTtlMs: this.config.MCP_TOOLS_TTL_MS, maxResponseBytes: this.config.MCP_MAX_RESPONSE_BYTES };
    const session = new McpSession(conn.revision, conn.config, policy, limits, () =>
      this.logger.info({ connection_id: conn.id }, 'MCP server changed its tools; the cached list is dropped'),
    );
    this.sessions.set(conn.id, session);
    return session;
  }

  private async drop(id: string, session: McpSession): Promise<void> {
    if (this.sessions.get(id) === session) this.sessions.delete(id);
    await session.close();
  }

  private async closeIdle(): Promise<void> {
    const cutoff = Date.now() - this.config.MCP_SESSION_IDLE_MS;
    for (const [id, s] of this.sessions) if (s.lastUsed < cutoff) await this.drop(id, s);
  }
}

/** The server answered with a JSON-RPC error (unknown tool, invalid params): the session itself is fine. */
function isMcpReply(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' && code < 0 && code > -32099 && code !== -32000 && code !== -32001;
}
