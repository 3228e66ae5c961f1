import { ErrorCode } from '@agentry/contracts';
import { AppError, LOGGER, Logger, OutboundError, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ConnectionsConfig } from '../../config/connections.config';
import { ConnectionEntity } from '../../connections/connection.entity';
import { ReportAuthFailureUseCase } from '../../connections/report-auth-failure/report-auth-failure.use-case';
import { scrub } from '../../platforms/secret-fields';
import { McpSessionPool } from '../mcp/mcp-session-pool';
import { ToolProgress, ToolResult } from '../tool';
import { toolHttp } from '../tool-http';
import { ToolCatalog, describe } from '../tool-catalog';
import { CredentialsFailure, CredentialsRefusedError, McpListingError, ToolsError } from '../tools.errors';
import { ResolvedTool } from './tool-resolver';

export interface InvokeOptions {
  timeoutMs: number;
  progress(p: ToolProgress): void;
}

/** What the error mapping needs of the tool that failed (resolved, or still being resolved). */
type FailedTool = Pick<ResolvedTool, 'kind' | 'name' | 'connection'>;

/** MCP (JSON-RPC) error codes of a lost connection or a request that timed out: an outage, not the caller's fault. */
const MCP_CONNECTION_CLOSED = -32000;
const MCP_REQUEST_TIMEOUT = -32001;
const MCP_INVALID_PARAMS = -32602;

/**
 * Runs one resolved tool within its budget, and turns whatever went wrong into an AppError a caller
 * can act on: 424 when credentials are refused, EXECUTION_FAILED (retryable) for outages and timeouts,
 * 400 for arguments the server refused. Secrets of the connection are scrubbed from every message.
 * Credentials refused as invalid, revoked or expired also mark the connection failed.
 */
@Injectable()
export class ToolInvoker {
  constructor(
    private readonly catalog: ToolCatalog,
    private readonly pool: McpSessionPool,
    private readonly authFailures: ReportAuthFailureUseCase,
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
      throw await this.settle(target, this.toAppError(target, err, options.timeoutMs, opened.secrets));
    } finally {
      clearTimeout(timer);
    }
  }

  /** An MCP server failed to list its tools while the tool was resolved: explained (and recorded) like a failed call. */
  explainListing(failure: McpListingError): Promise<AppError> {
    const target: FailedTool = { kind: 'mcp', name: failure.tool, connection: failure.connection };
    const { secrets } = this.catalog.openConfig(failure.connection);
    return this.settle(target, this.toAppError(target, failure.cause, this.config.MCP_LIST_TIMEOUT_MS, secrets));
  }

  /** Credentials refused as invalid, revoked or expired mark the connection failed before the caller hears of it. */
  private async settle(target: FailedTool, error: AppError): Promise<AppError> {
    if (!(error instanceof CredentialsRefusedError) || !error.failure || !target.connection) return error;
    return this.markFailed(target.connection, error, error.failure);
  }

  /** Records the refusal on the connection; the caller's error says so. A failure to record is logged, never the caller's error. */
  private async markFailed(connection: ConnectionEntity, error: AppError, reason: CredentialsFailure): Promise<AppError> {
    try {
      const reply = await this.authFailures.forConnection(connection, { reason, message: error.message, source: 'tool_call' });
      if (!reply.changed) return error;
      const next = `connection ${connection.id} is now ${reply.status}; update its credentials and test it (POST /v1/connections/${connection.id}/test)`;
      return new CredentialsRefusedError(`${error.message} (${next})`, reason);
    } catch (err) {
      this.logger.error({ connection_id: connection.id, err: describe(err) }, 'could not mark the connection failed after a refused call');
      return error;
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

  private toAppError(target: FailedTool, err: unknown, timeoutMs: number, secrets: string[]): AppError {
    const clean = (m: string) => scrub(m, secrets).slice(0, 500);
    if (err instanceof CredentialsRefusedError) return new CredentialsRefusedError(clean(err.message), err.failure);
    if (err instanceof AppError) return new AppError(err.code, clean(err.message), err.details);
    if (err instanceof OutboundError) {
      return ToolsError.upstream(
        clean(err.kind === 'timeout' ? `${target.name} did not finish within ${timeoutMs} ms (${err.message})` : err.message),
      );
    }
    const e = err as { name?: string; code?: unknown; message?: string };
    if (target.kind === 'mcp') {
      const server = `The MCP server of ${target.connection?.id}`;
      // The SDK's errors keep Error's name: only instanceof tells them apart.
      if (err instanceof UnauthorizedError) return ToolsError.credentialsRefused('The MCP server', 'HTTP 401');
      if (err instanceof StreamableHTTPError && typeof err.code === 'number' && err.code > 0) {
        // 401: the token is no good; 403: valid but not allowed this (MCP's insufficient_scope), the connection stays active.
        if (err.code === 401 || err.code === 403)
          return ToolsError.credentialsRefused('The MCP server', `HTTP ${err.code}`, err.code === 403 ? null : 'auth');
        return ToolsError.upstream(clean(`${server} answered HTTP ${err.code}`));
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
