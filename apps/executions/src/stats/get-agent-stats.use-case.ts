import { AgentStatsMessage, AgentStatsView, RpcContext, StatsFiguresView } from '@agentry/contracts';
import { AppError, isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { AgentCatalogRepository } from '../catalog/agent-catalog.repository';
import { StatsRepository, StatsRow } from './stats.repository';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 400;

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function figures(r: StatsRow | undefined): StatsFiguresView {
  const n = (v: string | null | undefined) => Number(v ?? 0);
  const succeeded = n(r?.succeeded);
  const failed = n(r?.failed);
  return {
    executions: n(r?.executions),
    succeeded,
    failed,
    cancelled: n(r?.cancelled),
    success_rate: succeeded + failed > 0 ? Math.round((succeeded / (succeeded + failed)) * 10_000) / 10_000 : null,
    p50_duration_ms: r?.p50 === null || r?.p50 === undefined ? null : Math.round(r.p50),
    p95_duration_ms: r?.p95 === null || r?.p95 === undefined ? null : Math.round(r.p95),
    tokens_used: n(r?.tokens),
  };
}

/** `executions.stats`: an agent's runs in a period, in total and per day, week (from Monday) or month of a time zone. */
@Injectable()
export class GetAgentStatsUseCase {
  constructor(
    private readonly stats: StatsRepository,
    private readonly agents: AgentCatalogRepository,
  ) {}

  async execute(ctx: RpcContext, q: AgentStatsMessage): Promise<AgentStatsView> {
    const timezone = q.timezone ?? 'UTC';
    if (!validTimeZone(timezone))
      throw AppError.invalid('Unknown time zone', [{ field: 'timezone', reason: 'must be an IANA time zone such as Europe/Lisbon' }]);
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
    if (from >= to) throw AppError.invalid('from must be before to', [{ field: 'from', reason: 'must be before to' }]);
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
      throw AppError.invalid(`The period is longer than ${MAX_RANGE_DAYS} days`, [
        { field: 'from', reason: `at most ${MAX_RANGE_DAYS} days before to` },
      ]);
    }
    const agentId = isId('agt', q.agent) ? q.agent : (await this.agents.find(ctx.workspace_id, q.agent))?.id;
    if (!agentId || !(await this.agents.find(ctx.workspace_id, agentId))) throw AppError.notFound('Agent', q.agent);
    const group = q.group_by ?? 'day';
    const [rows, last] = await Promise.all([
      this.stats.figures(ctx.workspace_id, agentId, from.toISOString(), to.toISOString(), group, timezone),
      this.stats.lastError(ctx.workspace_id, agentId, from.toISOString(), to.toISOString()),
    ]);
    return {
      agent_id: agentId,
      from: from.toISOString(),
      to: to.toISOString(),
      group_by: group,
      timezone,
      totals: figures(rows.find((r) => r.bucket === null)),
      buckets: rows.filter((r) => r.bucket !== null).map((r) => ({ start: r.bucket!.toISOString(), ...figures(r) })),
      last_error: last ? { execution_id: last.id, ...last.error, at: last.at.toISOString() } : null,
    };
  }
}
