import type { ExecutionEventData, ExecutionView, StartRunMessage, StartRunResult } from './executions.dto';

export const ExecutionsRpc = {
  start: 'executions.start',
  get: 'executions.get',
} as const;

/** The executions service's subjects; its issue adds list, logs, cancel, retry, approvals, stats. */
export interface ExecutionsRpcMap {
  'executions.start': { req: StartRunMessage; res: StartRunResult };
  'executions.get': { req: { execution: string }; res: ExecutionView };
}

export const ExecutionsEvents = {
  queued: 'agentry.executions.queued',
  started: 'agentry.executions.started',
  stepCompleted: 'agentry.executions.step_completed',
  waiting: 'agentry.executions.waiting',
  succeeded: 'agentry.executions.succeeded',
  failed: 'agentry.executions.failed',
  cancelled: 'agentry.executions.cancelled',
} as const;

export interface ExecutionsEventMap {
  'agentry.executions.queued': ExecutionEventData;
  'agentry.executions.started': ExecutionEventData;
  'agentry.executions.step_completed': ExecutionEventData;
  'agentry.executions.waiting': ExecutionEventData;
  'agentry.executions.succeeded': ExecutionEventData;
  'agentry.executions.failed': ExecutionEventData;
  'agentry.executions.cancelled': ExecutionEventData;
}
