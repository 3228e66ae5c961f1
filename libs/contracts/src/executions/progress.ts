import type { ExecutionStatus, ExecutionStepView, ExecutionView } from './executions.dto';

/**
 * Live progress of one run on core NATS (`executions.progress.<execution_id>`), published after each
 * commit. Not durable: a reader first takes a snapshot (`executions.stream_state`) and then applies
 * messages whose `seq` is above the snapshot's.
 */
export const progressSubject = (executionId: string) => `executions.progress.${executionId}`;

export interface ExecutionProgressMessage {
  execution_id: string;
  /** Increases by one with every committed change of the run. */
  seq: number;
  type: 'status' | 'step';
  status: ExecutionStatus;
  at: string;
  /** type `step`: the step as it is now. */
  step?: ExecutionStepView;
  /** type `status` and terminal: the finished execution. */
  execution?: ExecutionView;
}

/**
 * Streamed model output of a run's `llm` and `agent` steps on core NATS (`executions.llm.<execution_id>`),
 * one message per text delta, in order, while the model answers. Not durable and not replayed: the step's
 * output carries the finished answer. The gateway forwards it on the run's SSE stream as `llm` events.
 */
export const llmDeltaSubject = (executionId: string) => `executions.llm.${executionId}`;

export interface ExecutionLlmDeltaMessage {
  execution_id: string;
  step_id: string;
  /** The model call within the step attempt (1-based): an agent makes one per turn, an llm step a second on a schema retry. */
  call: number;
  /** The next piece of the answer's text. */
  delta: string;
  at: string;
}

/** Reply of `executions.stream_state`. */
export interface ExecutionStreamState {
  execution: ExecutionView;
  seq: number;
}
