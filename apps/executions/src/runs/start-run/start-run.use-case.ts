import {
  ExecutionsEvents,
  ExecutionView,
  PLAN_LIMITS,
  Plan,
  RpcContext,
  StartRunMessage,
  StartRunResult,
  TERMINAL_STATUSES,
} from '@agentry/contracts';
import { newId, Outbox, RequestContext } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { AgentCatalog } from '../../catalog/agent-catalog';
import { toEventData, toExecutionView } from '../../engine/execution-view';
import { ExecutionRecord } from '../../engine/run-record';
import { RanAhead, RunStore } from '../../engine/run-store';
import { RunExecutor } from '../../engine/run-executor';
import { RunWaiters } from '../../engine/run-waiters';
import { Worker } from '../../engine/worker';
import { ExecutionsRepository } from '../executions.repository';
import { RunQuota } from '../run-quota';
import { RunsError } from '../runs.errors';

export const DEFAULT_WAIT_TIMEOUT_MS = 30_000;

/**
 * `executions.start`: checks the agent (paused → AGENT_PAUSED) and the input (its input_schema), takes
 * one run from the plan's daily quota, and inserts the run with its `queued` event, claimed at once by
 * this process's worker when the concurrency limits allow (else it waits for any replica's claim). A run
 * whose steps are all pure runs ahead of its insert and is inserted finished (RunExecutor.runAhead).
 * Async answers at once; sync waits for the end up to wait_timeout_ms.
 */
@Injectable()
export class StartRunUseCase {
  constructor(
    private readonly catalog: AgentCatalog,
    private readonly store: RunStore,
    private readonly runs: ExecutionsRepository,
    private readonly quota: RunQuota,
    private readonly worker: Worker,
    private readonly waiters: RunWaiters,
    private readonly outbox: Outbox,
    private readonly executor: RunExecutor,
  ) {}

  async execute(ctx: RpcContext, msg: StartRunMessage): Promise<StartRunResult> {
    const agent = await this.catalog.resolve(ctx.workspace_id, msg.agent);
    if (agent.status === 'paused') throw RunsError.agentPaused(msg.agent);
    const input = msg.input ?? {};
    const problems = agent.definition.checkInput(input);
    if (problems.length) throw RunsError.invalidInput(problems);
    if (msg.idempotency_key) {
      const existing = await this.store.findIdByIdempotencyKey(ctx.workspace_id, msg.idempotency_key);
      if (existing) return this.replay(ctx.workspace_id, existing);
    }
    const plan = ctx.plan as Plan | undefined;
    await this.quota.take(ctx.workspace_id, plan);

    const now = new Date().toISOString();
    const exe: ExecutionRecord = {
      id: newId('exe'),
      workspace_id: ctx.workspace_id,
      agent_id: agent.id,
      agent_version: agent.version,
      status: 'queued',
      trigger_type: msg.trigger.type,
      trigger_id: msg.trigger.id ?? null,
      input,
      output: null,
      error: null,
      metadata: msg.metadata ?? {},
      callback_url: msg.callback_url ?? null,
      retry_of: msg.trigger.type === 'retry' ? (msg.trigger.id ?? null) : null,
      summary: 'Queued',
      tokens_used: 0,
      cancel_requested: false,
      created_at: now,
      started_at: null,
      finished_at: null,
      duration_ms: null,
      seq: 0,
    };
    const event = this.outbox.envelope(ExecutionsEvents.queued, ctx.workspace_id, toEventData(exe));
    const claim = this.worker.reserve();
    let inserted;
    let ahead: RanAhead | null = null;
    let started: ReturnType<RunExecutor['startRecords']> | null = null;
    try {
      if (claim && RunExecutor.canRunAhead(agent.definition)) ahead = await this.executor.runAhead(exe, agent.definition);
      // A run this worker will claim at insert is inserted started: one statement fewer before its first step.
      if (claim && !ahead) started = this.executor.startRecords(exe);
      inserted = await this.store.insert({
        ...exe,
        idempotency_key: msg.idempotency_key ?? null,
        max_concurrency: agent.maxConcurrency,
        workspace_concurrency: plan && PLAN_LIMITS[plan] ? PLAN_LIMITS[plan].concurrent_runs : null,
        log: {
          at: now,
          level: 'info',
          step_id: null,
          message: `Run queued (trigger: ${exe.trigger_type}${exe.trigger_id ? ` ${exe.trigger_id}` : ''})`,
          data: null,
        },
        event: { id: event.id, subject: ExecutionsEvents.queued, payload: event },
        request_id: RequestContext.requestId() ?? null,
        claim,
        ahead,
        started,
      });
    } catch (err) {
      if (claim) this.worker.unreserve();
      throw err;
    }
    if (!inserted?.claimed && claim) this.worker.unreserve(Boolean(inserted));
    if (!inserted) {
      // Another request with the same idempotency key won the race.
      const existing = await this.store.findIdByIdempotencyKey(ctx.workspace_id, msg.idempotency_key!);
      return this.replay(ctx.workspace_id, existing!);
    }
    this.outbox.flush();
    if (inserted.claimed && ahead) {
      // It was inserted finished, and that statement waited for the disk. No progress message: nobody could be
      // listening (a run's progress is followed by its id, which nobody had before this insert).
      this.worker.unreserve();
      RunExecutor.countAhead(ahead);
      const view = toExecutionView(ahead.exe, ahead.steps);
      return msg.async ? { completed: false, execution: toExecutionView(exe, []) } : { completed: true, execution: view };
    }
    const waiting = msg.async ? null : this.waiters.wait(exe.id, msg.wait_timeout_ms ?? DEFAULT_WAIT_TIMEOUT_MS, !inserted.claimed);
    if (inserted.claimed) {
      this.worker.adopt({
        exe: { ...exe, status: 'running', started_at: inserted.started_at, seq: 1 },
        def: agent.definition,
        token: claim!.token,
        startWritten: started !== null,
      });
    } else this.worker.wakeAll();
    if (!waiting) {
      // The 202 promises the run: it must be on disk first (the run itself is already under way).
      await this.store.flushWal();
      return { completed: false, execution: toExecutionView(exe, []) };
    }
    const finished = await waiting;
    if (finished) return { completed: true, execution: finished };
    // Still going: the caller now holds its id, so the start must be on disk (it was inserted without waiting).
    await this.store.flushWal();
    const current = await this.runs.view(ctx.workspace_id, exe.id);
    return { completed: current ? TERMINAL_STATUSES.includes(current.status) : false, execution: current ?? toExecutionView(exe, []) };
  }

  private async replay(workspaceId: string, id: string): Promise<StartRunResult> {
    const view = (await this.runs.view(workspaceId, id)) as ExecutionView;
    return { completed: TERMINAL_STATUSES.includes(view.status), execution: view };
  }
}
