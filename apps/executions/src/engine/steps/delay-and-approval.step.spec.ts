import { ApprovalsStore } from '../approvals-store';
import { ApprovalStep } from './approval.step';
import { DelayStep } from './delay.step';
import { testStepContext } from './step-context.testing';
import { StepRunContext } from './step-runner';

const ctx = (w: Record<string, unknown>, state: Record<string, unknown> | null = null): StepRunContext =>
  testStepContext('delay', w, { state });

describe(DelayStep.name, () => {
  const sut = new DelayStep();

  it('suspends until now + ms, then reports the time waited', async () => {
    const first = await sut.run(ctx({ ms: 60_000 }));
    expect(first).toMatchObject({ type: 'suspended', reason: 'delay', wakeAt: expect.any(Date) });
    const state = (first as { state: Record<string, unknown> }).state;

    expect(await sut.run(ctx({ ms: 60_000 }, state))).toMatchObject({ type: 'suspended' });
    const past = { ...state, until: new Date(Date.now() - 1).toISOString() };
    expect(await sut.run(ctx({ ms: 60_000 }, past))).toEqual({ type: 'succeeded', output: { waited_ms: expect.any(Number) } });
  });

  it('finishes at once for a time in the past, and refuses a bad until', async () => {
    expect(await sut.run(ctx({ until: '2020-01-01T00:00:00Z' }))).toEqual({ type: 'succeeded', output: { waited_ms: 0 } });
    await expect(sut.run(ctx({ until: 'tomorrow' }))).rejects.toMatchObject({ code: 'INVALID_STEP_INPUT' });
    await expect(sut.run(ctx({ ms: -1 }))).rejects.toMatchObject({ code: 'INVALID_STEP_INPUT' });
  });
});

describe(ApprovalStep.name, () => {
  const store = { expire: jest.fn() };
  const sut = new ApprovalStep(store as unknown as ApprovalsStore);
  const decided = (status: string) => ({
    approval_id: 'apr_1',
    expires_at: null,
    outcome: { status, approver: 'key_1', comment: 'ok', decisions: [] },
  });

  it('creates an approval and suspends the run', async () => {
    const out = await sut.run(ctx({ message: 'Ship it?', timeout_ms: 1000, approvals_required: 2 }));

    expect(out).toMatchObject({
      type: 'suspended',
      reason: 'approval',
      approval: { message: 'Ship it?', approvalsRequired: 2, expiresAt: expect.any(Date) },
    });
  });

  it('succeeds with the decision when approved, and fails with its output when rejected', async () => {
    expect(await sut.run(ctx({ message: 'x' }, decided('approved')))).toEqual({
      type: 'succeeded',
      output: { approved: true, comment: 'ok', approver: 'key_1', decisions: [] },
    });
    await expect(sut.run(ctx({ message: 'x' }, decided('rejected')))).rejects.toMatchObject({
      code: 'APPROVAL_REJECTED',
      output: { approved: false, comment: 'ok', approver: 'key_1' },
    });
  });

  it('expires an approval past its time, unless a decision won the race', async () => {
    const past = { approval_id: 'apr_1', expires_at: new Date(Date.now() - 1).toISOString() };
    store.expire.mockResolvedValueOnce(null);
    await expect(sut.run(ctx({ message: 'x' }, past))).rejects.toMatchObject({ code: 'APPROVAL_EXPIRED' });

    store.expire.mockResolvedValueOnce({ status: 'approved', approver: 'key_2', comment: null, decisions: [] });
    expect(await sut.run(ctx({ message: 'x' }, past))).toMatchObject({ type: 'succeeded', output: { approved: true, approver: 'key_2' } });
  });
});
