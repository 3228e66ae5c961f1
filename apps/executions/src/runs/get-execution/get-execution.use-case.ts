import { ExecutionStreamState, ExecutionView, RpcContext } from '@agentry/contracts';
import { isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { toExecutionView } from '../../engine/execution-view';
import { ExecutionsRepository } from '../executions.repository';
import { RunsError } from '../runs.errors';

/** `executions.get` and `executions.stream_state` (the view plus its seq, for a live stream's starting point). */
@Injectable()
export class GetExecutionUseCase {
  constructor(private readonly runs: ExecutionsRepository) {}

  async execute(ctx: RpcContext, id: string): Promise<ExecutionView> {
    return (await this.state(ctx, id)).execution;
  }

  async state(ctx: RpcContext, id: string): Promise<ExecutionStreamState> {
    if (!isId('exe', id)) throw RunsError.notFound(id);
    const found = await this.runs.withSteps(ctx.workspace_id, id);
    if (!found) throw RunsError.notFound(id);
    return { execution: toExecutionView(found.exe, found.steps), seq: found.exe.seq };
  }
}
