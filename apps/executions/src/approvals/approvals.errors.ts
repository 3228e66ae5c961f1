import { ErrorCode } from '@agentry/contracts';
import { AppError } from '@agentry/common';

export const ApprovalsError = {
  notFound: (id: string) => AppError.notFound('Approval', id),
  badLink: () => new AppError(ErrorCode.NOT_FOUND, 'This approval link is invalid or has expired'),
  decided: (status: string) => AppError.conflict(`The approval is already ${status}`, [{ field: 'status', reason: `is ${status}` }]),
  runFinished: (status: string) =>
    AppError.conflict(`The run is already ${status.replace('_', ' ')}; its approval can no longer be decided`, [
      { field: 'run', reason: `is ${status}` },
    ]),
  sameApprover: (approver: string) =>
    AppError.conflict(`${approver} has already decided this approval; it needs distinct approvers`, [
      { field: 'approver', reason: 'already decided' },
    ]),
  linkUsed: () => AppError.conflict('This approval link has already been used', [{ field: 'token', reason: 'already used' }]),
};
