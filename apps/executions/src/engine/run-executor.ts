import { ExecutionProgressMessage, ExecutionsEvents, ExecutionEventData, LogLevel } from '@agentry/contracts';
import { LOGGER, Outbox } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { AgentCatalog } from '../catalog/agent-catalog';
import { backoffDelay, CompiledDefinition, CompiledStep } from './definition/compiled-definition';
import { EvalScope, ExpressionError } from './definition/expression';
import { toExecutionView, toEventData, toStepView } from './execution-view';
import { ErrorInfo, ExecutionRecord, STEP_DONE, StepRecord, TERMINAL } from './run-record';
import { ApprovalInsert, LogLine, OutboxRow } from './run-record';
import { buildScope, recordInScope, truthy } from './run-scope';
import { RanAhead, RunStore } from './run-store';
import { RunWaiters } from './run-waiters';
import { ProgressPublisher } from './progress-publisher';
import { StepError, StepErrorCode, TIMEOUT_CODES } from './steps/step-error';
import { AgentAiSettings, StepLogLevel, StepOutcome } from './steps/step-runner';
import { summarize } from './summary';

/** A run this process holds a claim on. */
export interface ActiveRun {
  exe: ExecutionRecord;
  steps: Map<number, StepRecord>;
  def: CompiledDefinition;
  token: string;
  /** It ran before (waited, retried, or its previous holder died). */
  resumed: boolean;
  /** Aborted by `POST …/cancel`. */
  cancel: AbortController;
  /** Aborted on shutdown or when the claim is lost: the run is handed back unrecorded. */
  stop: AbortController;
  /** Running ahead of its insert (runAhead): its one commit, at its end, is kept here instead of written. */
  ahead?: { result: RanAhead | null; counts: (() => void)[] };
  /** Its insert wrote its start (`Run started`, the `started` event: startRecords), so it does not write it again. */
  startWritten?: boolean;
}

/** What the worker does next with a run the executor returned. */
export interface ExecuteResult {
  /** Suspended until this time (delay, backoff, approval expiry): worth a local timer. */
  wakeAt: Date | null;
  /** Stopped without recording the step in flight: give the claim back so another worker resumes at once. */
  handBack: boolean;
}

const runsFinished = new Counter({
  name: 'agentry_executions_runs_finished_total',
  help: 'Runs this process finished',
  labelNames: ['status'],
});
const runsStarted = new Counter({ name: 'agentry_executions_runs_started_total', help: 'Runs (or resumptions) this process started' });
const stepsFinished = new Counter({
  name: 'agentry_executions_steps_total',
  help: 'Step outcomes in this process',
  labelNames: ['type', 'status'],
});

const DONE: ExecuteResult = { wakeAt: null, handBack: false };

class LostClaimError extends Error {}
/** A run running ahead of its insert reached something that needs the database (a retry backoff). */
class NotAheadError extends Error {}
/** Shutdown (or a lost claim found by the heartbeat) interrupted a step: nothing is recorded for it. */
class HandBackError extends Error {}

/** Writes of one run that go out together in its next commit. */
class Pending {
  steps = new Map<number, StepRecord>();
  logs: LogLine[] = [];
  events: OutboxRow[] = [];
  approvals: ApprovalInsert[] = [];
  statusChanged = false;
  cancelApprovals = false;
}

type AttemptResult = { outcome: StepOutcome } | { error: StepError } | { aborted: 'cancel' | 'stop' };

/**
 * Drives one claimed run from its first unfinished step. Each executed step's result is committed
 * (with its log lines and outbox events, in one statement) before the next step starts, except that
 * pure steps' results (transform: running one again after a crash changes nothing anyone saw) wait for
 * the next write, which comes before any step with effects; the last step's result commits together
 * with the run's end. A step that suspends (delay, approval, retry
 * backoff) commits and gives the claim back. See docs/adr/0003-execution-engine.md.
 */
@Injectable()
export class RunExecutor {
  constructor(
    private readonly store: RunStore,
    private readonly outbox: Outbox,
    private readonly progress: ProgressPublisher,
    private readonly waiters: RunWaiters,
    private readonly catalog: AgentCatalog,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(run: ActiveRun): Promise<ExecuteResult> {
    const p = new Pending();
    try {
      return await this.drive(run, p);
    } catch (err) {
      if (err instanceof HandBackError) return { wakeAt: null, handBack: true };
      if (err instanceof LostClaimError) {
        this.logger.warn({ execution_id: run.exe.id }, 'lost the claim on a run; another worker holds it now');
        this.waiters.watchRemote(run.exe.id);
        return DONE;
      }
      if (run.stop.signal.aborted) return { wakeAt: null, handBack: true };
      // A database or NATS fault: the claim expires and a worker resumes from the last commit.
      this.logger.error({ err, execution_id: run.exe.id }, 'run interrupted by an unexpected error; it resumes when its claim expires');
      this.waiters.watchRemote(run.exe.id);
      return DONE;
    }
  }

  /** Every step is pure: the whole run can go ahead of its insert (runAhead). */
  static canRunAhead(def: CompiledDefinition): boolean {
    return def.steps.every((s) => s.runner?.pure);
  }

  /**
   * Runs a new run whose steps are all pure in memory, before it is inserted, to its end: start_runs then
   * inserts it finished in one statement instead of inserting it and committing its end. Nothing outside the
   * run saw it, so when the run cannot finish here (a retry backoff, an unexpected error) or the limits do not
   * admit it at insert, what ran ahead is dropped and the run goes the usual way. `exe` is not modified.
   */
  async runAhead(exe: ExecutionRecord, def: CompiledDefinition): Promise<RanAhead | null> {
    const run: ActiveRun = {
      exe: { ...exe, started_at: new Date().toISOString() },
      steps: new Map(),
      def,
      token: '',
      resumed: false,
      cancel: new AbortController(),
      stop: new AbortController(),
      ahead: { result: null, counts: [] },
    };
    try {
      await this.drive(run, new Pending());
    } catch (err) {
      if (!(err instanceof NotAheadError)) this.logger.warn({ err, execution_id: exe.id }, 'running ahead failed; the run starts as usual');
      return null;
    }
    return run.ahead!.result;
  }

  /** What a new run writes as it starts: its `Run started` line and its `started` event. */
  startRecords(exe: ExecutionRecord): { log: LogLine; event: OutboxRow } {
    const envelope = this.outbox.envelope(ExecutionsEvents.started, exe.workspace_id, toEventData({ ...exe, status: 'running' }));
    return {
      log: {
        at: new Date().toISOString(),
        level: 'info',
        step_id: null,
        message: `Run started (agent version ${exe.agent_version})`,
        data: null,
      },
      event: { id: envelope.id, subject: ExecutionsEvents.started, payload: envelope },
    };
  }

  /**
   * What ran ahead was inserted as it ran (start_runs admitted it): its metrics count now. One that was dropped
   * counts nothing, since the run then runs (and counts) the usual way.
   */
  static countAhead(ahead: RanAhead): void {
    for (const count of ahead.counts) count();
  }

  /** Counts a metric now, or, for a run running ahead of its insert, once what ran ahead is kept (countAhead). */
  private count(run: ActiveRun, inc: () => void): void {
    if (run.ahead) run.ahead.counts.push(inc);
    else inc();
  }

  private async drive(run: ActiveRun, p: Pending): Promise<ExecuteResult> {
    const { exe, def } = run;
    this.count(run, () => runsStarted.inc());
    exe.status = 'running';
    if (!run.startWritten) {
      p.statusChanged = true;
      if (run.resumed) {
        this.event(run, p, ExecutionsEvents.started);
        this.log(p, 'info', null, 'Run resumed');
      } else {
        const start = this.startRecords(exe);
        p.events.push(start.event);
        p.logs.push(start.log);
      }
    }
    if (exe.cancel_requested) return this.finishCancelled(run, p, null);
    const scope = buildScope(exe, run.steps.values());
    for (const step of def.steps) {
      const rec = run.steps.get(step.position);
      if (rec && STEP_DONE.includes(rec.status)) continue;
      if (!rec && step.condition) {
        let pass: boolean;
        try {
          pass = truthy(await step.condition.evaluate(scope));
        } catch (err) {
          if (!(err instanceof ExpressionError)) throw err;
          return this.failRun(run, p, { code: StepErrorCode.EXPRESSION_ERROR, message: `${err.where}: ${err.message}`, step_id: step.id });
        }
        if (!pass) {
          this.skip(run, p, step, scope);
          continue;
        }
      }
      // Pure steps' results (and the run's start) wait for the next write; before a step with effects they are
      // committed, so they are durable and visible while it runs.
      if (!step.runner?.pure && (p.steps.size > 0 || p.statusChanged) && (await this.commit(run, p, false, null))) {
        return this.finishCancelled(run, p, null);
      }
      if (run.cancel.signal.aborted) return this.finishCancelled(run, p, null);
      const result = await this.runStep(run, p, step, scope);
      if (result !== 'next') return result;
      if (step.runner?.pure || step.position === def.steps.length - 1) continue;
      const cancelRequested = await this.commit(run, p, false, null);
      if (cancelRequested || run.cancel.signal.aborted) return this.finishCancelled(run, p, null);
    }
    return this.finishSucceeded(run, p, undefined, scope);
  }

  private skip(run: ActiveRun, p: Pending, step: CompiledStep, scope: EvalScope): void {
    const now = new Date().toISOString();
    const rec: StepRecord = {
      position: step.position,
      step_id: step.id,
      type: step.type,
      status: 'skipped',
      output: null,
      error: null,
      attempts: [],
      state: null,
      tokens_used: 0,
      started_at: null,
      finished_at: now,
      duration_ms: null,
    };
    run.steps.set(step.position, rec);
    p.steps.set(step.position, rec);
    recordInScope(scope, rec);
    this.event(run, p, ExecutionsEvents.stepCompleted, { step_id: step.id });
    this.log(p, 'info', step.id, `Step ${step.id} skipped: its condition is false`);
  }

  private async runStep(run: ActiveRun, p: Pending, step: CompiledStep, scope: EvalScope): Promise<'next' | ExecuteResult> {
    const startedAt = new Date().toISOString();
    const rec: StepRecord = run.steps.get(step.position) ?? {
      position: step.position,
      step_id: step.id,
      type: step.type,
      status: 'running',
      output: null,
      error: null,
      attempts: [],
      state: null,
      tokens_used: 0,
      started_at: startedAt,
      finished_at: null,
      duration_ms: null,
    };
    run.steps.set(step.position, rec);
    const saved = rec.state as { runner?: Record<string, unknown>; attempt_started_at?: string } | null;
    const attempt = rec.attempts.length + 1;
    const attemptStart = saved?.attempt_started_at ?? startedAt;
    rec.status = 'running';
    const result = await this.attempt(run, step, rec, scope, attempt, saved?.runner ?? null);
    const now = new Date();
    const attemptMs = now.getTime() - Date.parse(attemptStart);

    if ('aborted' in result) {
      if (result.aborted === 'stop') throw new HandBackError('stopped');
      rec.attempts.push({ attempt, status: 'cancelled', started_at: attemptStart, finished_at: now.toISOString(), duration_ms: attemptMs });
      return this.finishCancelled(run, p, rec);
    }

    if ('outcome' in result && result.outcome.type === 'suspended') {
      const o = result.outcome;
      rec.status = 'waiting';
      rec.state = { runner: o.state, attempt_started_at: attemptStart };
      p.steps.set(step.position, rec);
      if (o.approval) {
        p.approvals.push({
          id: o.approval.id,
          workspace_id: run.exe.workspace_id,
          agent_id: run.exe.agent_id,
          step_id: step.id,
          position: step.position,
          message: o.approval.message,
          approvals_required: o.approval.approvalsRequired,
          expires_at: o.approval.expiresAt?.toISOString() ?? null,
        });
      }
      run.exe.status = 'waiting';
      p.statusChanged = true;
      run.exe.summary = summarize(run.exe, run.steps.values(), step.id, o.reason);
      this.event(run, p, ExecutionsEvents.waiting, { step_id: step.id, ...(o.approval ? { approval_id: o.approval.id } : {}) });
      this.log(
        p,
        'info',
        step.id,
        o.reason === 'approval'
          ? `Step ${step.id} waits for an approval`
          : `Step ${step.id} waits until ${o.wakeAt?.toISOString() ?? 'further notice'}`,
        o.approval ? { approval_id: o.approval.id } : null,
      );
      this.waiters.watchRemote(run.exe.id);
      await this.commit(run, p, true, o.wakeAt);
      return { wakeAt: o.wakeAt, handBack: false };
    }

    if ('outcome' in result && result.outcome.type !== 'suspended') {
      const o = result.outcome;
      const output = o.output ?? null;
      rec.status = 'succeeded';
      rec.output = output;
      rec.error = null;
      rec.state = null;
      if (o.type === 'succeeded' && o.tokensUsed) {
        rec.tokens_used += o.tokensUsed;
        run.exe.tokens_used += o.tokensUsed;
      }
      rec.attempts.push({ attempt, status: 'succeeded', started_at: attemptStart, finished_at: now.toISOString(), duration_ms: attemptMs });
      this.closeStep(rec, now);
      p.steps.set(step.position, rec);
      recordInScope(scope, rec);
      this.count(run, () => stepsFinished.inc({ type: step.type, status: 'succeeded' }));
      this.event(run, p, ExecutionsEvents.stepCompleted, { step_id: step.id });
      this.log(p, 'info', step.id, `Step ${step.id} succeeded in ${attemptMs} ms${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      if (o.type === 'stop') return this.finishSucceeded(run, p, output, scope);
      return 'next';
    }

    if (!('error' in result)) throw new Error('unreachable: every outcome is handled above');
    const err = result.error;
    const info: ErrorInfo = { code: err.code, message: err.message, step_id: step.id };
    if (err.tokensUsed > 0) {
      rec.tokens_used += err.tokensUsed;
      run.exe.tokens_used += err.tokensUsed;
    }
    rec.attempts.push({
      attempt,
      status: 'failed',
      started_at: attemptStart,
      finished_at: now.toISOString(),
      duration_ms: attemptMs,
      error: { code: err.code, message: err.message },
    });
    rec.state = null;
    if (err.retryable && attempt < step.retry.maxAttempts) {
      const delay = backoffDelay(step.retry, attempt);
      const wakeAt = new Date(now.getTime() + delay);
      rec.error = { code: err.code, message: err.message };
      p.steps.set(step.position, rec);
      this.log(p, 'warn', step.id, `Step ${step.id} attempt ${attempt} failed: ${err.message}; retrying in ${delay} ms`, {
        code: err.code,
        attempt,
      });
      await this.commit(run, p, true, wakeAt);
      return { wakeAt, handBack: false };
    }
    rec.status = 'failed';
    rec.error = { code: err.code, message: err.message };
    rec.output = err.output ?? null;
    this.closeStep(rec, now);
    p.steps.set(step.position, rec);
    recordInScope(scope, rec);
    this.count(run, () => stepsFinished.inc({ type: step.type, status: 'failed' }));
    this.event(run, p, ExecutionsEvents.stepCompleted, { step_id: step.id });
    this.log(p, 'error', step.id, `Step ${step.id} failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${err.message}`, {
      code: err.code,
    });
    if (step.onError === 'continue') {
      this.log(p, 'warn', step.id, `Continuing after step ${step.id} (on_error: continue)`);
      return 'next';
    }
    return this.failRun(run, p, info);
  }

  /** One attempt of a step, bounded by its timeout and interrupted by cancel or shutdown. */
  private async attempt(
    run: ActiveRun,
    step: CompiledStep,
    rec: StepRecord,
    scope: EvalScope,
    attempt: number,
    state: Record<string, unknown> | null,
  ): Promise<AttemptResult> {
    if (step.problem) return { error: new StepError(StepErrorCode.EXPRESSION_ERROR, `${step.problem.where}: ${step.problem.message}`) };
    if (!step.runner) {
      return {
        error: new StepError(
          StepErrorCode.UNSUPPORTED_STEP,
          `step type "${step.type}" is not available in this version of the executions service`,
        ),
      };
    }
    if (run.cancel.signal.aborted) return { aborted: 'cancel' };
    let resolved: Record<string, unknown>;
    try {
      resolved = (await step.resolveWith.resolve(scope)) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof ExpressionError) return { error: new StepError(StepErrorCode.EXPRESSION_ERROR, `${err.where}: ${err.message}`) };
      throw err;
    }
    // A pure step without its own timeout computes on this event loop to its end: nothing can interrupt it
    // midway, so it runs without the abort race (whose signals cost ~3 % of the service's CPU per pure run).
    const interruptible = !step.runner.pure || Boolean(step.timeoutMs);
    const timeout = interruptible && step.timeoutMs ? AbortSignal.timeout(step.timeoutMs) : null;
    const signal = interruptible ? AbortSignal.any([run.cancel.signal, run.stop.signal, ...(timeout ? [timeout] : [])]) : run.cancel.signal;
    let onAbort: (() => void) | undefined;
    let aborted: Promise<never> | undefined;
    if (interruptible) {
      aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
      });
      aborted.catch(() => undefined);
    }
    try {
      const running = step.runner.run({
        step,
        with: resolved,
        scope,
        run: { id: run.exe.id, workspaceId: run.exe.workspace_id, agentId: run.exe.agent_id, tokensUsed: run.exe.tokens_used },
        attempt,
        state,
        signal,
        agent: () => this.agentSettings(run),
        log: (level, message, data) => this.subStepLog(run, step.id, level, message, data),
      });
      const outcome = aborted ? await Promise.race([running, aborted]) : await running;
      return { outcome };
    } catch (err) {
      if (run.stop.signal.aborted) return { aborted: 'stop' };
      if (run.cancel.signal.aborted) return { aborted: 'cancel' };
      if (timeout?.aborted && !(err instanceof StepError && err.code !== StepErrorCode.STEP_TIMEOUT)) {
        return {
          error: new StepError(StepErrorCode.STEP_TIMEOUT, `step ${step.id} did not finish within ${step.timeoutMs} ms`, {
            retryable: true,
          }),
        };
      }
      if (err instanceof StepError) return { error: err };
      this.logger.warn({ err, execution_id: run.exe.id, step_id: rec.step_id }, 'step runner threw an unexpected error');
      return { error: new StepError(StepErrorCode.STEP_FAILED, (err as Error)?.message ?? String(err), { retryable: true }) };
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  private async agentSettings(run: ActiveRun): Promise<AgentAiSettings> {
    const agent = await this.catalog.resolve(run.exe.workspace_id, run.exe.agent_id);
    return { maxTokensPerRun: agent.maxTokensPerRun, llm: agent.llm };
  }

  private async subStepLog(
    run: ActiveRun,
    stepId: string,
    level: StepLogLevel,
    message: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const held = await this.store.appendLog(run.exe.id, run.token, { at: new Date().toISOString(), level, step_id: stepId, message, data });
    if (!held && !run.stop.signal.aborted) run.stop.abort(new Error('claim lost'));
  }

  private async finishSucceeded(run: ActiveRun, p: Pending, stopOutput: unknown, scope: EvalScope): Promise<ExecuteResult> {
    const { exe, def } = run;
    let output: unknown;
    if (stopOutput !== undefined) output = stopOutput;
    else if (def.outputProblem) {
      return this.failRun(run, p, {
        code: StepErrorCode.EXPRESSION_ERROR,
        message: `${def.outputProblem.where}: ${def.outputProblem.message}`,
      });
    } else if (def.output) {
      try {
        output = await def.output.evaluate(scope);
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        return this.failRun(run, p, { code: StepErrorCode.EXPRESSION_ERROR, message: `${err.where}: ${err.message}` });
      }
    } else output = lastOutput(run.steps);
    exe.status = 'succeeded';
    exe.output = output ?? null;
    exe.error = null;
    return this.finish(run, p, ExecutionsEvents.succeeded, 'info');
  }

  private failRun(run: ActiveRun, p: Pending, error: ErrorInfo): Promise<ExecuteResult> {
    run.exe.status = TIMEOUT_CODES.includes(error.code) ? 'timed_out' : 'failed';
    run.exe.error = error;
    return this.finish(run, p, ExecutionsEvents.failed, 'error');
  }

  private finishCancelled(run: ActiveRun, p: Pending, inFlight: StepRecord | null): Promise<ExecuteResult> {
    if (inFlight) {
      inFlight.status = 'cancelled';
      inFlight.state = null;
      this.closeStep(inFlight, new Date());
      p.steps.set(inFlight.position, inFlight);
    }
    run.exe.status = 'cancelled';
    p.cancelApprovals = true;
    return this.finish(run, p, ExecutionsEvents.cancelled, 'warn');
  }

  private async finish(
    run: ActiveRun,
    p: Pending,
    subject: (typeof ExecutionsEvents)[keyof typeof ExecutionsEvents],
    level: LogLevel,
  ): Promise<ExecuteResult> {
    const { exe } = run;
    const now = new Date();
    exe.finished_at = now.toISOString();
    exe.duration_ms = now.getTime() - Date.parse(exe.started_at ?? exe.created_at);
    exe.summary = summarize(exe, run.steps.values());
    p.statusChanged = true;
    const status = exe.status;
    this.count(run, () => runsFinished.inc({ status }));
    this.event(run, p, subject);
    this.log(
      p,
      level,
      exe.error?.step_id ?? null,
      `Run ${exe.status.replace('_', ' ')}: ${exe.summary}`,
      exe.error ? { code: exe.error.code } : null,
    );
    await this.commit(run, p, true, null);
    if (!run.ahead) this.waiters.finished(toExecutionView(exe, run.steps.values()));
    return DONE;
  }

  private closeStep(rec: StepRecord, now: Date): void {
    rec.finished_at = now.toISOString();
    rec.duration_ms = rec.started_at ? now.getTime() - Date.parse(rec.started_at) : null;
  }

  /** Commits the pending writes; returns whether a cancel was requested meanwhile. */
  private async commit(run: ActiveRun, p: Pending, release: boolean, nextRunAt: Date | null): Promise<boolean> {
    const { exe } = run;
    if (run.ahead) {
      if (!release || !TERMINAL.includes(exe.status)) throw new NotAheadError('the run needs the database before its end');
      run.ahead.result = { exe, steps: [...run.steps.values()], logs: p.logs, events: p.events, counts: run.ahead.counts };
      return false;
    }
    const effects = [...p.steps.values()].some((s) => s.status !== 'skipped' && !run.def.steps[s.position]?.runner?.pure);
    const res = await this.store.commit({
      id: exe.id,
      token: run.token,
      exe: {
        status: exe.status,
        output: exe.output,
        error: exe.error,
        summary: exe.summary,
        tokens_used: exe.tokens_used,
        finished_at: exe.finished_at,
        duration_ms: exe.duration_ms,
        release,
        next_run_at: nextRunAt?.toISOString() ?? null,
      },
      steps: [...p.steps.values()],
      logs: p.logs,
      events: p.events,
      approvals: p.approvals,
      cancelApprovals: p.cancelApprovals,
      durable: release || effects,
    });
    if (!res) throw new LostClaimError('claim lost');
    exe.seq = res.seq;
    this.outbox.flush();
    this.publish(exe, run.steps, p, res.seq);
    p.steps = new Map();
    p.logs = [];
    p.events = [];
    p.approvals = [];
    p.statusChanged = false;
    p.cancelApprovals = false;
    return res.cancelRequested;
  }

  private publish(exe: ExecutionRecord, steps: Map<number, StepRecord>, p: Pending, seq: number): void {
    const at = new Date().toISOString();
    const messages: ExecutionProgressMessage[] = [...p.steps.values()].map((s) => ({
      execution_id: exe.id,
      seq,
      type: 'step',
      status: exe.status,
      at,
      step: toStepView(s),
    }));
    if (p.statusChanged) {
      // A run that (re)starts says so before its steps; a run that ends says so after them.
      const terminal = TERMINAL.includes(exe.status);
      const status: ExecutionProgressMessage = { execution_id: exe.id, seq, type: 'status', status: exe.status, at };
      if (terminal) messages.push({ ...status, execution: toExecutionView(exe, steps.values()) });
      else if (exe.status === 'running') messages.unshift(status);
      else messages.push(status);
    }
    this.progress.publish(messages);
  }

  private event(
    run: ActiveRun,
    p: Pending,
    subject: (typeof ExecutionsEvents)[keyof typeof ExecutionsEvents],
    extra: Partial<ExecutionEventData> = {},
  ): void {
    const envelope = this.outbox.envelope(subject, run.exe.workspace_id, toEventData(run.exe, extra));
    p.events.push({ id: envelope.id, subject, payload: envelope });
  }

  private log(p: Pending, level: LogLevel, stepId: string | null, message: string, data: Record<string, unknown> | null = null): void {
    p.logs.push({ at: new Date().toISOString(), level, step_id: stepId, message, data });
  }
}

/** The default run output: the output of the last step that ran (SPEC §3). */
function lastOutput(steps: Map<number, StepRecord>): unknown {
  const ran = [...steps.values()].filter((s) => s.status === 'succeeded' || s.status === 'failed').sort((a, b) => b.position - a.position);
  return ran[0]?.output ?? null;
}
