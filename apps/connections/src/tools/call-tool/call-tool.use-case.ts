import { CallToolMessage, ErrorCode, RpcContext, ToolCallView, toolProgressSubject, ToolProgressMessage } from '@agentry/contracts';
import { AppError, LOGGER, Logger, NATS, NatsHandles, newId, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { ConnectionsConfig } from '../../config/connections.config';
import { ArgumentsValidator } from '../arguments-validator';
import { ToolCallEntity, ToolCallStatus } from '../audit/tool-call.entity';
import { ToolCallsRepository } from '../audit/tool-calls.repository';
import { ToolProgress } from '../tool';
import { McpListingError } from '../tools.errors';
import { ToolInvoker } from './tool-invoker';
import { ResolvedTool, ToolResolver } from './tool-resolver';

/**
 * `tools.call`: resolve the tool and its connection, validate the arguments against its schema, run
 * it within its budget (streaming progress when asked), and audit the call whatever its outcome.
 */
@Injectable()
export class CallToolUseCase {
  private readonly validator = new ArgumentsValidator();

  constructor(
    private readonly resolver: ToolResolver,
    private readonly invoker: ToolInvoker,
    private readonly audit: ToolCallsRepository,
    @Inject(NATS) private readonly nats: NatsHandles,
    @Inject(SERVICE_CONFIG) private readonly config: ConnectionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(ctx: RpcContext, msg: CallToolMessage): Promise<ToolCallView> {
    const id = newId('tcl');
    const started = new Date();
    const args = msg.arguments ?? {};
    let target: ResolvedTool | undefined;
    try {
      target = await this.resolver.resolve(ctx.workspace_id, msg.name, msg.connection_id);
      this.validator.validate(msg.name, target.inputSchema, args);
      this.progress(msg.stream_id, { message: `Calling ${msg.name}` }, 'started');
      const result = await this.invoker.invoke(target, args, {
        timeoutMs: msg.timeout_ms ?? this.config.TOOL_CALL_TIMEOUT_MS,
        progress: (p) => this.progress(msg.stream_id, p),
      });
      const view: ToolCallView = {
        id,
        name: msg.name,
        connection_id: target.connection?.id ?? null,
        output: result.output ?? null,
        is_error: result.isError ?? false,
        duration_ms: Date.now() - started.getTime(),
        started_at: started.toISOString(),
      };
      await this.record(ctx, msg, id, started, target, view.is_error ? 'tool_error' : 'succeeded', null);
      return view;
    } catch (err) {
      const error = await this.explain(err);
      await this.record(ctx, msg, id, started, target, 'failed', error);
      throw error;
    }
  }

  private async explain(err: unknown): Promise<AppError> {
    if (err instanceof McpListingError) return this.invoker.explainListing(err);
    return err instanceof AppError ? err : new AppError(ErrorCode.INTERNAL, 'Tool call failed');
  }

  private progress(streamId: string | undefined, p: ToolProgress, type: ToolProgressMessage['type'] = 'progress'): void {
    if (!streamId) return;
    const message: ToolProgressMessage = { type, at: new Date().toISOString(), ...p };
    this.nats.nc.publish(toolProgressSubject(streamId), JSON.stringify(message));
  }

  /** The audit row; a failure to write it is logged, never turned into the caller's error. */
  private async record(
    ctx: RpcContext,
    msg: CallToolMessage,
    id: string,
    started: Date,
    target: ResolvedTool | undefined,
    status: ToolCallStatus,
    error: AppError | null,
  ): Promise<void> {
    const row: ToolCallEntity = {
      id,
      workspaceId: ctx.workspace_id,
      tool: msg.name,
      source: target?.kind ?? null,
      connectionId: target?.connection?.id ?? msg.connection_id ?? null,
      actor: ctx.actor ?? null,
      requestId: ctx.request_id ?? null,
      executionId: msg.execution_id ?? null,
      stepId: msg.step_id ?? null,
      status,
      errorCode: error?.code ?? null,
      errorMessage: error ? error.message.slice(0, 500) : null,
      argumentNames: Object.keys(msg.arguments ?? {}).slice(0, 100),
      startedAt: started,
      durationMs: Date.now() - started.getTime(),
    };
    this.logger.info(
      {
        tool_call_id: id,
        tool: msg.name,
        connection_id: row.connectionId,
        actor: row.actor,
        status,
        error_code: row.errorCode,
        duration_ms: row.durationMs,
      },
      'tool called',
    );
    try {
      await this.audit.insert(row);
    } catch (err) {
      this.logger.error({ tool_call_id: id, err: (err as Error).message }, 'could not write the tool call audit');
    }
  }
}
