import { newId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { ApprovalsStore, ApprovalOutcome } from '../approvals-store';
import { StepError, StepErrorCode } from './step-error';
import { StepOutcome, StepRunContext, StepRunner } from './step-runner';

const MAX_TIMEOUT_MS = 30 * 86_400_000;

interface ApprovalState {
  approval_id: string;
  expires_at: string | null;
  outcome?: ApprovalOutcome;
}

/**
 * `approval`: `{ message, timeout_ms?, approvals_required? }` → `{ approved, comment, approver }`.
 * The first attempt creates the approval and suspends the run (`waiting`); a decision written by the
 * approvals use-case (or the expiry) makes the run due again, and the resumed attempt reads it.
 */
@Injectable()
export class ApprovalStep implements StepRunner {
  readonly type = 'approval' as const;

  constructor(private readonly approvals: ApprovalsStore) {}

  async run(ctx: StepRunContext): Promise<StepOutcome> {
    const state = ctx.state as ApprovalState | null;
    if (!state?.approval_id) return this.create(ctx);
    if (state.outcome) return this.finish(state.outcome);
    if (state.expires_at && Date.now() >= Date.parse(state.expires_at)) {
      // The decision may have landed a moment ago: expiring is conditional, and returns it if so.
      const outcome = await this.approvals.expire(state.approval_id);
      if (outcome) return this.finish(outcome);
      throw new StepError(StepErrorCode.APPROVAL_EXPIRED, `approval ${state.approval_id} expired without a decision`, {
        output: { approved: false, comment: null, approver: null },
      });
    }
    return { type: 'suspended', state: { ...state }, wakeAt: state.expires_at ? new Date(state.expires_at) : null, reason: 'approval' };
  }

  private create(ctx: StepRunContext): StepOutcome {
    const w = ctx.with;
    const message = typeof w.message === 'string' ? w.message : JSON.stringify(w.message ?? '');
    const timeout = typeof w.timeout_ms === 'number' ? w.timeout_ms : ctx.step.timeoutMs;
    if (timeout !== null && (!(timeout > 0) || timeout > MAX_TIMEOUT_MS)) {
      throw new StepError(StepErrorCode.INVALID_STEP_INPUT, `approval: timeout_ms must be from 1 to ${MAX_TIMEOUT_MS}`);
    }
    const required = w.approvals_required === undefined ? 1 : Number(w.approvals_required);
    if (!Number.isInteger(required) || required < 1 || required > 20) {
      throw new StepError(StepErrorCode.INVALID_STEP_INPUT, 'approval: approvals_required must be an integer from 1 to 20');
    }
    const id = newId('apr');
    const expiresAt = timeout ? new Date(Date.now() + timeout) : null;
    return {
      type: 'suspended',
      state: { approval_id: id, expires_at: expiresAt?.toISOString() ?? null },
      wakeAt: expiresAt,
      reason: 'approval',
      approval: { id, message: message.slice(0, 10_000), approvalsRequired: required, expiresAt },
    };
  }

  private finish(outcome: ApprovalOutcome): StepOutcome {
    const output = {
      approved: outcome.status === 'approved',
      comment: outcome.comment,
      approver: outcome.approver,
      decisions: outcome.decisions,
    };
    if (outcome.status === 'approved') return { type: 'succeeded', output };
    if (outcome.status === 'rejected') {
      const by = outcome.approver ? ` by ${outcome.approver}` : '';
      throw new StepError(StepErrorCode.APPROVAL_REJECTED, `rejected${by}${outcome.comment ? `: ${outcome.comment}` : ''}`, { output });
    }
    throw new StepError(StepErrorCode.APPROVAL_EXPIRED, 'the approval expired without a decision', { output });
  }
}
