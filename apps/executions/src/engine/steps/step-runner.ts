import type { StepType } from '@agentry/contracts';
import type { EvalScope } from '../definition/expression';

/** A step as compiled once per definition version. */
export interface CompiledStepInfo {
  position: number;
  id: string;
  type: StepType;
  /** The step's `with` exactly as written. */
  rawWith: Record<string, unknown>;
  timeoutMs: number | null;
  /** Whatever the runner's `prepare` made of `rawWith` (compiled expressions, parsed options). */
  prepared: unknown;
}

export interface RunInfo {
  id: string;
  workspaceId: string;
  agentId: string;
  /** Model tokens the run used in the steps before this one. */
  tokensUsed: number;
}

/** The agent's settings the AI steps read: the token budget and the default model and connection. */
export interface AgentAiSettings {
  maxTokensPerRun: number | null;
  llm: { model?: string; connection_id?: string } | null;
}

export type StepLogLevel = 'info' | 'warn' | 'error';

export interface NewApproval {
  id: string;
  message: string;
  approvalsRequired: number;
  expiresAt: Date | null;
}

export interface StepRunContext {
  step: CompiledStepInfo;
  /** `with` for this attempt, templates evaluated (fields in the runner's `rawWithFields` left as written). */
  with: Record<string, unknown>;
  scope: EvalScope;
  run: RunInfo;
  attempt: number;
  /** State a suspended step saved (delay's wake time, the approval id and its decision), null on a first run. */
  state: Record<string, unknown> | null;
  /** Aborts on cancel, on the step's timeout, or on shutdown. */
  signal: AbortSignal;
  /** The run's agent as the engine knows it now (cached; see AgentCatalog). */
  agent(): Promise<AgentAiSettings>;
  /**
   * A log line of this step written at once (a sub-step: one model call, one tool call), numbered after the
   * run's lines so far; only while this worker still holds the run.
   */
  log(level: StepLogLevel, message: string, data: Record<string, unknown>): Promise<void>;
}

export type StepOutcome =
  | { type: 'succeeded'; output: unknown; tokensUsed?: number }
  /** Pause the run durably (status `waiting`) until `wakeAt`, or until something else makes it due (an approval decision). */
  | { type: 'suspended'; state: Record<string, unknown>; wakeAt: Date | null; reason: 'delay' | 'approval'; approval?: NewApproval }
  /** Finish the run now with this output (the `stop` step). */
  | { type: 'stop'; output: unknown };

/**
 * One step type. The engine knows no step type by name: it asks the registry for the runner of
 * `step.type`, so `llm`, `agent` and `tool` arrive as new classes (docs/adr/0003-execution-engine.md).
 * A failed attempt throws StepError; any other exception counts as a retryable STEP_FAILED.
 */
export interface StepRunner {
  readonly type: StepType;
  /**
   * Nothing outside the run sees the step: running it again after a lost commit changes nothing anyone saw
   * (transform, stop). The commit after a pure step may skip waiting for the disk (see RunStore.commit), and a run
   * whose steps are all pure runs ahead of its insert (RunExecutor.runAhead).
   */
  readonly pure?: boolean;
  /** Fields of `with` that are not `{{ }}` templates but handled by the runner (transform's `expression`). */
  readonly rawWithFields?: readonly string[];
  /** Compile-time work, once per definition version; its result is `step.prepared`. Throw ExpressionError on bad input. */
  prepare?(rawWith: Record<string, unknown>, where: string): unknown;
  run(ctx: StepRunContext): Promise<StepOutcome>;
}

export const STEP_RUNNERS = Symbol('STEP_RUNNERS');
