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

/** Reply of `executions.stream_state`. */
export interface ExecutionStreamState {
  execution: ExecutionView;
  seq: number;
}
