import type { Page } from '../pagination';
import type {
  ApprovalLinkInfo,
  ApprovalRef,
  ApprovalView,
  DecideApprovalByLinkMessage,
  DecideApprovalMessage,
  ListApprovalsQuery,
} from './approvals.dto';
import type { ExecutionEventData, ExecutionView, RunAcceptedView, StartRunMessage, StartRunResult } from './executions.dto';
import type { ExecutionStreamState } from './progress';
import type {
  ExecutionLogView,
  ExecutionRef,
  ExecutionSummaryView,
  ListExecutionLogsMessage,
  ListExecutionsQuery,
  RetryRunMessage,
} from './runs-read.dto';
import type { AgentStatsMessage, AgentStatsView } from './stats.dto';

export const ExecutionsRpc = {
  start: 'executions.start',
  get: 'executions.get',
  list: 'executions.list',
  logs: 'executions.logs',
  cancel: 'executions.cancel',
  retry: 'executions.retry',
  streamState: 'executions.stream_state',
  stats: 'executions.stats',
  listApprovals: 'executions.approvals.list',
  getApproval: 'executions.approvals.get',
  decideApproval: 'executions.approvals.decide',
  decideApprovalByLink: 'executions.approvals.decide_link',
  approvalLinkInfo: 'executions.approvals.link_info',
} as const;

/** The executions service's request/reply subjects. */
export interface ExecutionsRpcMap {
  'executions.start': { req: StartRunMessage; res: StartRunResult };
  'executions.get': { req: ExecutionRef; res: ExecutionView };
  'executions.list': { req: ListExecutionsQuery; res: Page<ExecutionSummaryView> };
  'executions.logs': { req: ListExecutionLogsMessage; res: Page<ExecutionLogView> };
  'executions.cancel': { req: ExecutionRef; res: ExecutionView };
  'executions.retry': { req: RetryRunMessage; res: RunAcceptedView };
  'executions.stream_state': { req: ExecutionRef; res: ExecutionStreamState };
  'executions.stats': { req: AgentStatsMessage; res: AgentStatsView };
  'executions.approvals.list': { req: ListApprovalsQuery; res: Page<ApprovalView> };
  'executions.approvals.get': { req: ApprovalRef; res: ApprovalView };
  'executions.approvals.decide': { req: DecideApprovalMessage; res: ApprovalView };
  'executions.approvals.decide_link': { req: DecideApprovalByLinkMessage; res: ApprovalView };
  'executions.approvals.link_info': { req: DecideApprovalByLinkMessage; res: ApprovalLinkInfo };
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

/** Core NATS subjects between executions replicas (not part of the public contract). */
export const ExecutionsInternal = {
  /** Published after work became due (new run, approval decided, wake-up): idle workers claim at once. */
  wake: 'executions.wake',
  /** `executions.runner.cancel.<id>`: the replica holding the run aborts its in-flight step and replies. */
  cancelPrefix: 'executions.runner.cancel',
  /** Broadcast when the agents read model changed, so every replica drops its cached copy. */
  agentChanged: 'executions.agent_changed',
} as const;
