import { ErrorCode } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { AiStepErrorCode, aiStepError } from '../../ai/ai-step-errors';
import { invalidWith, optionalNumber, optionalObject, optionalString } from '../../ai/step-with';
import { ToolClient } from '../../ai/tool-client';
import { StepErrorCode } from './step-error';
import { StepOutcome, StepRunContext, StepRunner } from './step-runner';

/**
 * `tool`: `{ name, arguments?, connection_id?, timeout_ms? }` → the tool's result. The connections
 * service validates the arguments against the tool's schema, calls it and audits the call. A tool that
 * reports a failure fails the step with TOOL_CALL_FAILED (its result is the step's output for
 * `on_error: continue`); a platform outage is a retryable TOOL_CALL_FAILED.
 */
@Injectable()
export class ToolStep implements StepRunner {
  readonly type = 'tool' as const;

  constructor(private readonly tools: ToolClient) {}

  async run(ctx: StepRunContext): Promise<StepOutcome> {
    const name = optionalString('tool', ctx.with, 'name', 200);
    if (!name) throw invalidWith('tool', 'name is required (a tool name from GET /v1/tools)');
    const args = optionalObject('tool', ctx.with, 'arguments') ?? {};
    const connectionId = optionalString('tool', ctx.with, 'connection_id', 80);
    const timeoutMs =
      optionalNumber('tool', ctx.with, 'timeout_ms', 100, 120_000, true) ??
      (ctx.step.timeoutMs ? Math.min(ctx.step.timeoutMs, 120_000) : undefined);
    let view;
    try {
      view = await this.tools.call(
        { workspaceId: ctx.run.workspaceId, executionId: ctx.run.id, stepId: ctx.step.id },
        { name, arguments: args, connectionId, timeoutMs },
      );
    } catch (err) {
      throw toStepError(name, err);
    }
    await ctx.log(
      view.is_error ? 'warn' : 'info',
      `Tool ${name} ${view.is_error ? 'reported an error' : 'succeeded'} in ${view.duration_ms} ms`,
      {
        sub_step: 'tool_call',
        tool: name,
        tool_call_id: view.id,
        connection_id: view.connection_id,
        is_error: view.is_error,
        duration_ms: view.duration_ms,
      },
    );
    if (view.is_error) throw aiStepError(AiStepErrorCode.TOOL_CALL_FAILED, `tool ${name} reported an error`, { output: view.output });
    return { type: 'succeeded', output: view.output };
  }
}

function toStepError(name: string, err: unknown) {
  if (!(err instanceof AppError)) return err;
  const details = err.details?.length ? `: ${err.details.map((d) => `${d.field} ${d.reason}`).join('; ')}` : '';
  switch (err.code) {
    case ErrorCode.INVALID_INPUT:
      return aiStepError(StepErrorCode.INVALID_STEP_INPUT, `tool ${name}: ${err.message}${details}`);
    case ErrorCode.NOT_FOUND:
      return aiStepError(StepErrorCode.INVALID_STEP_INPUT, `tool ${name}: ${err.message} (see GET /v1/tools)`);
    case ErrorCode.INTEGRATION_NOT_CONNECTED:
      return aiStepError(StepErrorCode.INTEGRATION_NOT_CONNECTED, `tool ${name}: ${err.message}`);
    case ErrorCode.EXECUTION_FAILED:
      return aiStepError(AiStepErrorCode.TOOL_CALL_FAILED, `tool ${name}: ${err.message}`, { retryable: true });
    default:
      return aiStepError(StepErrorCode.STEP_FAILED, `tool ${name}: ${err.message}`, { retryable: true });
  }
}
