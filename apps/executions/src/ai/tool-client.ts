import { ErrorCode, ToolCallView, ToolsRpc, ToolView } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { StepErrorCode } from '../engine/steps/step-error';
import { ServiceRpcClient } from '../rpc/service-rpc.client';
import { AI_STEPS_CONFIG, AiStepsConfig } from './ai-steps.config';
import { aiStepError } from './ai-step-errors';

export interface ToolCallTarget {
  workspaceId: string;
  executionId: string;
  stepId: string;
}

export interface ToolCallInput {
  name: string;
  arguments: Record<string, unknown>;
  connectionId?: string;
  timeoutMs?: number;
}

/** RPC margin over the call's own budget, so the connections service answers with its timeout first. */
const RPC_MARGIN_MS = 5_000;

/** Tool calls and the tool catalog, from the connections service over NATS (`tools.call`, `tools.list`). */
@Injectable()
export class ToolClient {
  constructor(
    private readonly rpc: ServiceRpcClient,
    @Inject(AI_STEPS_CONFIG) private readonly ai: AiStepsConfig,
  ) {}

  /** The workspace's tools with their schemas (`includeAll`: also those no active connection provides, as unavailable). */
  async catalog(workspaceId: string, includeAll = false): Promise<ToolView[]> {
    try {
      return (await this.rpc.call(ToolsRpc.list, includeAll ? { include_all: true } : {}, workspaceId, 30_000)).data;
    } catch (err) {
      throw aiStepError(StepErrorCode.STEP_FAILED, `the tool catalog could not be read: ${(err as Error).message}`, { retryable: true });
    }
  }

  /** One audited tool call; errors come back as AppError (the caller decides what they mean for its step). */
  call(target: ToolCallTarget, input: ToolCallInput): Promise<ToolCallView> {
    const timeoutMs = input.timeoutMs ?? this.ai.TOOL_CALL_TIMEOUT_MS;
    return this.rpc.call(
      ToolsRpc.call,
      {
        name: input.name,
        arguments: input.arguments,
        ...(input.connectionId ? { connection_id: input.connectionId } : {}),
        timeout_ms: timeoutMs,
        execution_id: target.executionId,
        step_id: target.stepId,
      },
      target.workspaceId,
      timeoutMs + RPC_MARGIN_MS,
    );
  }
}

/** Errors a caller cannot fix by trying again with other arguments: the step fails with them. */
export function isFatalToolError(err: unknown): boolean {
  return !(err instanceof AppError) || err.code === ErrorCode.SERVICE_UNAVAILABLE || err.code === ErrorCode.INTERNAL;
}
