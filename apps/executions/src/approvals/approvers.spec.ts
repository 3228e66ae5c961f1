import { loadConfig } from '@agentry/common';
import { ExecutionsConfig } from '../config/executions.config';
import { ApprovalLinks, linkApprover, unnamedLinkApprover } from './approval-links';
import { ApprovalRow } from './approvals.repository';
import { hasDecided, linkFits, linkUsable, namedApprovers } from './approvers';

const row = (over: Partial<ApprovalRow> = {}): ApprovalRow => ({
  id: 'apr_01JD0000000000000000000001',
  workspace_id: 'wks_1',
  execution_id: 'exe_1',
  agent_id: 'agt_1',
  step_id: 'review',
  position: 1,
  message: 'ok?',
  status: 'pending',
  approvals_required: 2,
  decisions: [],
  links_used: [],
  approvers: null,
  expires_at: null,
  created_at: new Date(),
  decided_at: null,
  ...over,
});
const decision = (approver: string) => ({ approver, decision: 'approve' as const, comment: null, at: new Date().toISOString() });
const tokenOf = (url: string) => url.split('/').pop()!;

describe(ApprovalLinks.name, () => {
  const sut = new ApprovalLinks(loadConfig(ExecutionsConfig, {}));

  it('signs whom a link acts as: a named approver, or the approval’s one unnamed holder', () => {
    const a = row();
    const named = sut.verify(tokenOf(sut.url(a, 'approve', 'alice@example.com')))!;
    const approve = sut.verify(tokenOf(sut.url(a, 'approve')))!;
    const reject = sut.verify(tokenOf(sut.url(a, 'reject')))!;

    expect(linkApprover(named)).toBe('alice@example.com');
    expect(linkApprover(approve)).toMatch(/^link:[0-9a-f]{16}$/);
    expect(linkApprover(reject)).toBe(linkApprover(approve));
    expect(linkApprover(approve)).not.toBe(unnamedLinkApprover('apr_01JD0000000000000000000002'));
  });

  it('refuses a link whose approver was changed', () => {
    const [payload, sig] = tokenOf(sut.url(row(), 'approve', 'alice@example.com')).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...claims, p: 'mallory@example.com' })).toString('base64url')}.${sig}`;

    expect(sut.verify(forged)).toBeNull();
  });
});

describe('approval link holders', () => {
  it('lets a named link act only for an approver the step names, and the unnamed link only when it names none', () => {
    const named = row({ approvers: ['alice@example.com'] });

    expect(linkFits(named, { p: 'alice@example.com' })).toBe(true);
    expect(linkFits(named, { p: 'bob@example.com' })).toBe(false);
    expect(linkFits(named, {})).toBe(false);
    expect(linkFits(row(), {})).toBe(true);
    expect(linkFits(row(), { p: 'alice@example.com' })).toBe(false);
    // Not a literal list: nobody, rather than an unnamed link nobody asked for.
    expect(namedApprovers(row({ approvers: '{{ input.approvers }}' }))).toEqual([]);
    expect(linkFits(row({ approvers: '{{ input.approvers }}' }), {})).toBe(false);
  });

  it('spends a holder’s links once they decided, counting the legacy `link` approver as the unnamed holder', () => {
    const a = row({ decisions: [decision('alice@example.com')], approvers: ['alice@example.com', 'bob@example.com'] });
    const legacy = row({ decisions: [decision('link')], links_used: ['approve'] });

    expect(linkUsable(a, { a: a.id, d: 'reject', p: 'alice@example.com' })).toBe(false);
    expect(linkUsable(a, { a: a.id, d: 'approve', p: 'bob@example.com' })).toBe(true);
    expect(hasDecided(legacy, unnamedLinkApprover(legacy.id))).toBe(true);
    expect(linkUsable(legacy, { a: legacy.id, d: 'reject' })).toBe(false);
    expect(linkUsable(row({ status: 'approved' }), { a: 'apr_01JD0000000000000000000001', d: 'approve' })).toBe(false);
  });
});
