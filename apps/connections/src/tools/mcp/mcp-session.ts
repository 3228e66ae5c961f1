import { OutboundError, OutboundPolicy } from '@agentry/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResult, Tool, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { guardedFetch } from './mcp-fetch';

export interface McpServerConfig {
  url: string;
  auth_token?: string;
  headers?: Record<string, string>;
}

export interface McpCallOptions {
  signal: AbortSignal;
  timeoutMs: number;
  onProgress?: (p: { progress: number; total?: number; message?: string }) => void;
}

/** Pages of tools/list one server may send before we stop asking (a server that never ends its cursor). */
const MAX_PAGES = 20;

export interface McpSessionLimits {
  /** Cached tools are asked for again after this long, a safety net for servers that change them without telling. */
  toolsTtlMs: number;
  maxResponseBytes: number;
}

/**
 * One MCP client session over Streamable HTTP (the official SDK), for one connection revision. Its
 * tools are cached until the server says `notifications/tools/list_changed`, someone refreshes, or
 * another replica says they changed (`dropTools`).
 * A redirect or an oversized answer closes the session, and every pending request fails with it.
 */
export class McpSession {
  private readonly client: Client;
  private tools: Tool[] | null = null;
  private fetchedAt = 0;
  private listing: Promise<Tool[]> | null = null;
  /** Bumped whenever the cached tools are dropped: a listing started before then does not fill the cache. */
  private generation = 0;
  private ready: Promise<void> | null = null;
  /** Why the transport was given up (a refused redirect, an oversized answer): what pending and later calls fail with. */
  private violation: OutboundError | null = null;
  lastUsed = Date.now();
  closed = false;

  constructor(
    readonly revision: string,
    private readonly config: McpServerConfig,
    private readonly policy: OutboundPolicy,
    private readonly limits: McpSessionLimits,
    private readonly onToolsChanged: () => void,
  ) {
    this.client = new Client({ name: 'agentry', version: '0.1.0' }, { capabilities: {} });
    this.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      this.dropTools();
      this.onToolsChanged();
    });
    this.client.onclose = () => {
      this.closed = true;
    };
  }

  /** Tools as the server lists them (cached); `refresh` asks again. */
  async listTools(timeoutMs: number, refresh = false): Promise<Tool[]> {
    this.lastUsed = Date.now();
    if (this.tools && !refresh && Date.now() - this.fetchedAt < this.limits.toolsTtlMs) return this.tools;
    if (!this.listing) {
      const listing: Promise<Tool[]> = this.explained(() => this.fetchTools(timeoutMs)).finally(() => {
        if (this.listing === listing) this.listing = null;
      });
      this.listing = listing;
    }
    return this.listing;
  }

  /** Forgets the cached tools, and any listing under way (it may predate the change): the next listing asks the server. */
  dropTools(): void {
    this.tools = null;
    this.listing = null;
    this.generation++;
  }

  callTool(name: string, args: Record<string, unknown>, options: McpCallOptions): Promise<CallToolResult> {
    this.lastUsed = Date.now();
    return this.explained(async () => {
      await this.connect(options.timeoutMs);
      // The SDK validates structuredContent against the tool's outputSchema once it has listed the tools.
      if (!this.tools) await this.listTools(options.timeoutMs);
      const result = await this.client.callTool({ name, arguments: args }, undefined, {
        signal: options.signal,
        timeout: options.timeoutMs,
        maxTotalTimeout: options.timeoutMs,
        resetTimeoutOnProgress: true,
        ...(options.onProgress ? { onprogress: options.onProgress } : {}),
      });
      return result as CallToolResult;
    });
  }

  /** Runs `work`; once the transport was given up, its reason replaces the SDK's "Connection closed". */
  private async explained<T>(work: () => Promise<T>): Promise<T> {
    if (this.violation) throw this.violation;
    try {
      return await work();
    } catch (err) {
      throw this.violation ?? err;
    }
  }

  /** A redirect or an oversized answer: the server is not one we keep talking to; closing fails every pending request now. */
  private giveUp(err: OutboundError): void {
    this.violation ??= err;
    void this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.close().catch(() => undefined);
  }

  private async fetchTools(timeoutMs: number): Promise<Tool[]> {
    const generation = this.generation;
    await this.connect(timeoutMs);
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
      tools.push(...res.tools);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    if (generation === this.generation) {
      this.tools = tools;
      this.fetchedAt = Date.now();
    }
    return tools;
  }

  private connect(timeoutMs: number): Promise<void> {
    if (!this.ready) {
      const headers: Record<string, string> = { ...(this.config.headers ?? {}) };
      if (this.config.auth_token) headers.authorization = `Bearer ${this.config.auth_token}`;
      const transport = new StreamableHTTPClientTransport(new URL(this.config.url), {
        requestInit: { headers },
        fetch: guardedFetch(this.policy, { maxResponseBytes: this.limits.maxResponseBytes, onViolation: (err) => this.giveUp(err) }),
        // A lost notification stream is reopened a few times; after that the cache TTL takes over.
        reconnectionOptions: {
          initialReconnectionDelay: 1_000,
          maxReconnectionDelay: 30_000,
          reconnectionDelayGrowFactor: 2,
          maxRetries: 5,
        },
      });
      this.ready = this.client.connect(transport, { timeout: timeoutMs }).catch((err: unknown) => {
        this.closed = true;
        throw err;
      });
    }
    return this.ready;
  }
}
