import { ChatRequest, ChatResponse, createProvider, isModelPlatform, ModelProvider, ProviderError } from '@agentry/ai';
import { ConnectionsRpc, ErrorCode, ExecutionLlmDeltaMessage, llmDeltaSubject, ResolvedConnection } from '@agentry/contracts';
import { AppError, NATS, NatsHandles, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { ExecutionsConfig } from '../config/executions.config';
import { StepErrorCode } from '../engine/steps/step-error';
import { ServiceRpcClient } from '../rpc/service-rpc.client';
import { AI_STEPS_CONFIG, AiStepsConfig } from './ai-steps.config';
import { AiStepErrorCode, aiStepError } from './ai-step-errors';
import { AuthFailureReporter } from './auth-failure-reporter';

export interface BoundModel {
  provider: ModelProvider;
  model: string;
  connectionId: string;
  platform: string;
  workspaceId: string;
  /** The connection's config revision, for `connections.report_auth_failure`. */
  revision?: number;
}

export interface StreamTarget {
  executionId: string;
  stepId: string;
  call: number;
}

/**
 * A model for a step: the connection's credentials come from `connections.resolve` (never stored
 * here), the provider from its platform. Provider failures become StepErrors the engine understands.
 */
@Injectable()
export class ModelClient {
  constructor(
    private readonly rpc: ServiceRpcClient,
    @Inject(NATS) private readonly nats: NatsHandles,
    @Inject(SERVICE_CONFIG) private readonly config: ExecutionsConfig,
    @Inject(AI_STEPS_CONFIG) private readonly ai: AiStepsConfig,
    private readonly authFailures: AuthFailureReporter,
  ) {}

  async bind(workspaceId: string, connectionId: string | undefined, model: string | undefined): Promise<BoundModel> {
    if (!connectionId) {
      throw aiStepError(StepErrorCode.INVALID_STEP_INPUT, "connection_id is required (in the step, or as the agent's llm.connection_id)");
    }
    let connection: ResolvedConnection;
    try {
      connection = await this.rpc.call(ConnectionsRpc.resolve, { connection_id: connectionId }, workspaceId);
    } catch (err) {
      if (err instanceof AppError && (err.code === ErrorCode.INTEGRATION_NOT_CONNECTED || err.code === ErrorCode.NOT_FOUND)) {
        throw aiStepError(StepErrorCode.INTEGRATION_NOT_CONNECTED, err.message);
      }
      throw aiStepError(StepErrorCode.STEP_FAILED, `connection ${connectionId} could not be resolved: ${(err as Error).message}`, {
        retryable: true,
      });
    }
    if (!isModelPlatform(connection.platform)) {
      throw aiStepError(
        StepErrorCode.INTEGRATION_NOT_CONNECTED,
        `connection ${connectionId} is a ${connection.platform} connection; llm and agent steps need an openai or anthropic one`,
      );
    }
    const chosen = model ?? (typeof connection.config.default_model === 'string' ? connection.config.default_model : undefined);
    if (!chosen)
      throw aiStepError(
        StepErrorCode.INVALID_STEP_INPUT,
        "model is required (in the step, the agent's llm.model, or the connection's default_model)",
      );
    const provider = createProvider(connection.platform, connection.config, {
      allowPrivateNetworks: this.config.AGENTRY_ALLOW_PRIVATE_NETWORKS,
      timeoutMs: this.ai.LLM_TIMEOUT_MS,
      idleTimeoutMs: this.ai.LLM_IDLE_TIMEOUT_MS,
      maxRetries: this.ai.LLM_MAX_RETRIES,
      maxRetryDelayMs: this.ai.LLM_MAX_RETRY_DELAY_MS,
    });
    return { provider, model: chosen, connectionId, platform: connection.platform, workspaceId, revision: connection.revision };
  }

  /** One model call; with `stream`, text deltas are published for the run's live view. */
  async chat(
    bound: BoundModel,
    request: Omit<ChatRequest, 'model'>,
    signal: AbortSignal,
    stream: StreamTarget | null,
  ): Promise<ChatResponse> {
    const onText = stream && this.ai.LLM_STREAM ? (delta: string) => this.publishDelta(stream, delta) : undefined;
    try {
      return await bound.provider.chat({ ...request, model: bound.model }, { signal, ...(onText ? { onText } : {}) });
    } catch (err) {
      // A refused key marks the connection failed (through its owner) before the step fails.
      const note = AuthFailureReporter.isRevokedKey(err) && !signal.aborted ? await this.authFailures.report(bound, err) : '';
      throw toStepError(err, signal, note);
    }
  }

  private publishDelta(target: StreamTarget, delta: string): void {
    if (this.nats.nc.isClosed()) return;
    const msg: ExecutionLlmDeltaMessage = {
      execution_id: target.executionId,
      step_id: target.stepId,
      call: target.call,
      delta,
      at: new Date().toISOString(),
    };
    this.nats.nc.publish(llmDeltaSubject(target.executionId), JSON.stringify(msg));
  }
}

function toStepError(err: unknown, signal: AbortSignal, note = ''): unknown {
  if (!(err instanceof ProviderError)) return err;
  if (err.kind === 'aborted' || signal.aborted) return signal.reason ?? err;
  if (err.kind === 'auth') return aiStepError(StepErrorCode.INTEGRATION_NOT_CONNECTED, `${err.message}${note}`);
  if (err.kind === 'blocked') return aiStepError(StepErrorCode.OUTBOUND_ADDRESS_REFUSED, err.message);
  const attempts = err.attempts > 1 ? ` (after ${err.attempts} attempts)` : '';
  return aiStepError(AiStepErrorCode.LLM_PROVIDER_ERROR, `${err.message}${attempts}`, { retryable: err.retryable });
}
