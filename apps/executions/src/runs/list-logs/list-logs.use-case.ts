import { ExecutionLogView, ListExecutionLogsMessage, Page, RpcContext } from '@agentry/contracts';
import { encodeCursor, isId, pageLimit } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { ExecutionsRepository } from '../executions.repository';
import { RunsError } from '../runs.errors';

/** `executions.logs`: a run's log lines in order, keyset on their position. */
@Injectable()
export class ListLogsUseCase {
  constructor(private readonly runs: ExecutionsRepository) {}

  async execute(ctx: RpcContext, q: ListExecutionLogsMessage): Promise<Page<ExecutionLogView>> {
    if (!isId('exe', q.execution)) throw RunsError.notFound(q.execution);
    const limit = pageLimit(q.limit);
    const rows = await this.runs.logs(ctx.workspace_id, q.execution, { level: q.level, stepId: q.step_id, cursor: q.cursor, limit });
    if (!rows) throw RunsError.notFound(q.execution);
    const more = rows.length > limit;
    const data = more ? rows.slice(0, limit) : rows;
    return { data, next_cursor: more ? encodeCursor({ seq: data[data.length - 1].seq }) : null };
  }
}
