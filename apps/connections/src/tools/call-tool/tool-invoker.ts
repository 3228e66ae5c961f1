import { ErrorCode } from '@agentry/contracts';
import { AppError, LOGGER, Logger, OutboundError, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ConnectionsConfig } from '../../config/connections.config';
import { scrub } from '../../platforms/secret-fields';
import { McpSessionPool } from '../mcp/mcp-session-pool';
import { ToolProgress, ToolResult } from '../tool';
import { toolHttp } from '../tool-http';
import { ToolCatalog, describe } from '../tool-catalog';
import { ToolsError } from '../tools.errors';
import { ResolvedTool } from './tool-resolver';

export interface InvokeOptions {
  timeoutMs: number;
  progress(p: ToolProgress): void;
}

/** MCP (JSON-RPC) error codes of a lost connection or a request that timed out: an outage, not the caller's fault. */
const MCP_CONNECTION_CLOSED = -32000;
const MCP_REQUEST_TIMEOUT = -32001;
const MCP_INVALID_PARAMS = -32602;

/**
 * Runs one resolved tool within its budget, and turns whatever went wrong into an AppError a caller
 * can act on: 424 when credentials are refused, EXECUTION_FAILED (retryable) for outages and timeouts,
 * 400 for arguments the server refused. Secrets of the connection are scrubbed from every message.
 */
@Injectable()
export class ToolInvoker {
  constructor(
    private readonly catalog: ToolCatalog,
    private readonly pool: McpSessionPool,
    @Inject(SERVICE_CONFIG) private readonly config: ConnectionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async invoke(target: ResolvedTool, args: Record<string, unknown>, options: InvokeOptions): Promise<ToolResult> {
    const opened = target.connection ? this.catalog.openConfig(target.connection) : { config: {}, secrets: [] };
    const deadline = Date.now() + options.timeoutMs;
    const policy = { allowPrivateNetworks: this.config.AGENTRY_ALLOW_PRIVATE_NETWORKS };
    const signal = AbortSignal.timeout(options.timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(ToolsError.upstream(`${target.name} did not finish within ${options.timeoutMs} ms`)),
        options.timeoutMs + 50,
      );
    });
    try {
      const run =
        target.kind === 'mcp'
          ? this.callMcp(target, args, options, signal)
          : target.tool.execute(args, {
              config: opened.config,
              http: toolHttp(policy, deadline),
              policy,
              deadline,
              signal,
              progress: options.progress,
            });
      const result = await Promise.race([run, timeout]);
      return { output: scrubDeep(result.output, opened.secrets), isError: result.isError ?? false };
    } catch (err) {
      throw this.toAppError(target, err, options.timeoutMs, opened.secrets);
    } finally {
      clearTimeout(timer);
    }
  }

  private async callMcp(
    target: ResolvedTool & { kind: 'mcp' },
    args: Record<string, unknown>,
    options: InvokeOptions,
    signal: AbortSignal,
  ) {
    const result: CallToolResult = await this.pool.callTool(this.catalog.mcpRef(target.connection), target.tool.name, args, {
      signal,
      timeoutMs: options.timeoutMs,
      onProgress: (p) => options.progress({ progress: p.progress, total: p.total, message: p.message }),
    });
    const output: Record<string, unknown> = { content: result.content ?? [] };
    if (result.structuredContent !== undefined) output.structured_content = result.structuredContent;
    return { output, isError: result.isError === true };
  }

  private toAppError(target: ResolvedTool, err: unknown, timeoutMs: number, secrets: string[]): AppError {
    const clean = (m: string) => scrub(m, secrets).slice(0, 500);
    if (err instanceof AppError) return new AppError(err.code, clean(err.message), err.details);
    if (err instanceof OutboundError) {
      return ToolsError.upstream(
        clean(err.kind === 'timeout' ? `${target.name} did not finish within ${timeoutMs} ms (${err.message})` : err.message),
      );
    }
    const e = err as { name?: string; code?: unknown; message?: string };
    if (target.kind === 'mcp') {
      const server = `The MCP server of ${target.connection.id}`;
      if (e.name === 'StreamableHTTPError' || e.name === 'UnauthorizedError') {
        const status = typeof e.code === 'number' ? e.code : 0;
        if (status === 401 || status === 403 || e.name === 'UnauthorizedError')
          return ToolsError.credentialsRefused('The MCP server', `HTTP ${status || 401}`);
        return ToolsError.upstream(clean(`${server} answered HTTP ${status || '?'}`));
      }
      if (e.code === MCP_INVALID_PARAMS)
        return AppError.invalid(clean(`${server} refused the arguments: ${e.message ?? ''}`), [
          { field: 'arguments', reason: 'refused by the MCP server' },
        ]);
      if (e.code === MCP_REQUEST_TIMEOUT) return ToolsError.upstream(`${target.name} did not finish within ${timeoutMs} ms`);
      if (e.code === MCP_CONNECTION_CLOSED || typeof e.code === 'number' || e.name === 'TypeError' || e.name === 'AbortError') {
        return ToolsError.upstream(clean(`${server} failed: ${e.message ?? e.name}`));
      }
    }
    if (e.name === 'AbortError' || e.name === 'TimeoutError')
      return ToolsError.upstream(`${target.name} did not finish within ${timeoutMs} ms`);
    this.logger.error({ tool: target.name, err: clean(describe(err)) }, 'tool failed unexpectedly');
    return new AppError(ErrorCode.INTERNAL, `${target.name} failed unexpectedly`);
  }
}

function scrubDeep(value: unknown, secrets: string[]): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return scrub(value, secrets);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, secrets)]));
  return value;
}
