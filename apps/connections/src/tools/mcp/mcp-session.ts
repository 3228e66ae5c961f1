import { OutboundPolicy } from '@agentry/common';
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

/**
 * One MCP client session over Streamable HTTP (the official SDK), for one connection revision. Its
 * tools are cached until the server says `notifications/tools/list_changed` (or someone refreshes).
 */
export class McpSession {
  private readonly client: Client;
  private tools: Tool[] | null = null;
  private fetchedAt = 0;
  private listing: Promise<Tool[]> | null = null;
  private ready: Promise<void> | null = null;
  lastUsed = Date.now();
  closed = false;

  constructor(
    readonly revision: string,
    private readonly config: McpServerConfig,
    private readonly policy: OutboundPolicy,
    /** Safety net for servers that change their tools without telling. */
    private readonly toolsTtlMs: number,
    private readonly onToolsChanged: () => void,
  ) {
    this.client = new Client({ name: 'agentry', version: '0.1.0' }, { capabilities: {} });
    this.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      this.tools = null;
      this.onToolsChanged();
    });
    this.client.onclose = () => {
      this.closed = true;
    };
  }

  /** Tools as the server lists them (cached); `refresh` asks again. */
  async listTools(timeoutMs: number, refresh = false): Promise<Tool[]> {
    this.lastUsed = Date.now();
    if (this.tools && !refresh && Date.now() - this.fetchedAt < this.toolsTtlMs) return this.tools;
    if (!this.listing) {
      this.listing = this.fetchTools(timeoutMs).finally(() => (this.listing = null));
    }
    return this.listing;
  }

  async callTool(name: string, args: Record<string, unknown>, options: McpCallOptions): Promise<CallToolResult> {
    this.lastUsed = Date.now();
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
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.close().catch(() => undefined);
  }

  private async fetchTools(timeoutMs: number): Promise<Tool[]> {
    await this.connect(timeoutMs);
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
      tools.push(...res.tools);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    this.tools = tools;
    this.fetchedAt = Date.now();
    return tools;
  }

  private connect(timeoutMs: number): Promise<void> {
    if (!this.ready) {
      const headers: Record<string, string> = { ...(this.config.headers ?? {}) };
      if (this.config.auth_token) headers.authorization = `Bearer ${this.config.auth_token}`;
      const transport = new StreamableHTTPClientTransport(new URL(this.config.url), {
        requestInit: { headers },
        fetch: guardedFetch(this.policy),
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
