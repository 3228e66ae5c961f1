import { RetryRunMessage, RpcContext, RunAcceptedView, TERMINAL_STATUSES } from '@agentry/contracts';
import { isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { ExecutionsRepository } from '../executions.repository';
import { RunsError } from '../runs.errors';
import { StartRunUseCase } from '../start-run/start-run.use-case';

/**
 * `executions.retry`: a new async run of the same agent (its current version) with the same input,
 * metadata and callback, linked by `retry_of`. Only a finished run can be retried.
 */
@Injectable()
export class RetryRunUseCase {
  constructor(
    private readonly runs: ExecutionsRepository,
    private readonly startRun: StartRunUseCase,
  ) {}

  async execute(ctx: RpcContext, msg: RetryRunMessage): Promise<RunAcceptedView> {
    if (!isId('exe', msg.execution)) throw RunsError.notFound(msg.execution);
    const rec = await this.runs.record(ctx.workspace_id, msg.execution);
    if (!rec) throw RunsError.notFound(msg.execution);
    if (!TERMINAL_STATUSES.includes(rec.status)) throw RunsError.notFinished(rec.id, rec.status);
    const started = await this.startRun.execute(ctx, {
      agent: rec.agent_id,
      input: rec.input,
      async: true,
      metadata: rec.metadata,
      ...(rec.callback_url ? { callback_url: rec.callback_url } : {}),
      trigger: { type: 'retry', id: rec.id },
      ...(msg.idempotency_key ? { idempotency_key: msg.idempotency_key } : {}),
    });
    return { execution_id: started.execution.id, status: started.execution.status };
  }
}
