import { ErrorCode } from '@agentry/contracts';
import { AppError } from '@agentry/common';

export const RunsError = {
  notFound: (id: string) => AppError.notFound('Execution', id),
  agentPaused: (ref: string) => new AppError(ErrorCode.AGENT_PAUSED, `Agent ${ref} is paused; resume it to start runs`),
  invalidInput: (details: { field: string; reason: string }[]) =>
    AppError.invalid("Input does not match the agent's input_schema", details),
  alreadyFinished: (id: string, status: string) =>
    AppError.conflict(`Execution ${id} already ${status.replace('_', ' ')}`, [{ field: 'status', reason: `is ${status}` }]),
  notFinished: (id: string, status: string) =>
    AppError.conflict(`Execution ${id} is ${status}; only a finished run can be retried`, [{ field: 'status', reason: `is ${status}` }]),
  runsPerDay: (limit: number) =>
    new AppError(ErrorCode.QUOTA_EXCEEDED, `The workspace's plan allows ${limit} runs per day; the quota resets at 00:00 UTC`),
};
