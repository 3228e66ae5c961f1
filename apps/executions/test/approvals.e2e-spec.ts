import type { ApprovalView } from '@agentry/contracts';
import { ApiClient, sharedStack, StackInfo, TestSession, waitFor } from '@agentry/testing';
import { createAgent, getExecution, startAsync, stepsAgent, waitForExecution } from './support/runs';

describe('approvals (HTTP through the gateway, real services)', () => {
  let stack: StackInfo;
  let session: TestSession;

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
  });

  const reviewAgent = (approval: Record<string, unknown> = {}, onError?: 'continue') =>
    createAgent(
      session.client,
      stepsAgent(
        [
          { id: 'draft', type: 'transform', with: { expression: '"Hello " & input.name' } },
          {
            id: 'review',
            type: 'approval',
            with: { message: 'Send "{{ steps.draft.output }}"?', ...approval },
            ...(onError ? { on_error: onError } : {}),
          },
          {
            id: 'send',
            type: 'transform',
            with: {
              expression:
                '{ "sent": steps.review.output.approved, "by": steps.review.output.approver, "note": steps.review.output.comment }',
            },
          },
        ],
        { max_concurrency: 50 },
      ),
    );

  /** Starts a run and returns it with its pending approval. */
  async function waitingRun(agentId: string, client: ApiClient = session.client): Promise<{ id: string; approval: ApprovalView }> {
    const id = await startAsync(client, agentId, { name: 'Ada' });
    await waitForExecution(client, id, (e) => e.status === 'waiting');
    const res = await client.get('/v1/approvals', { query: { execution_id: id } });
    return { id, approval: res.body.data[0] };
  }

  /** The path of a signed link (its host is the configured PUBLIC_URL). */
  const pathOf = (url: string) => new URL(url).pathname;

  it('pauses the run at an approval step, lists it as pending, and resumes with the approver and comment when approved', async () => {
    const agent = await reviewAgent();
    const { id, approval } = await waitingRun(agent.id);

    expect(approval).toMatchObject({
      id: expect.stringMatching(/^apr_/),
      execution_id: id,
      agent_id: agent.id,
      step_id: 'review',
      message: 'Send "Hello Ada"?',
      status: 'pending',
      approvals_required: 1,
      decisions: [],
      approve_url: expect.stringMatching(/\/v1\/approval-links\/[\w-]+\.[\w-]+$/),
      reject_url: expect.stringMatching(/\/v1\/approval-links\//),
      expires_at: null,
    });
    const pending = await session.get('/v1/approvals', { query: { status: 'pending' } });
    expect(pending.body.data.map((a: ApprovalView) => a.id)).toContain(approval.id);
    const run = await getExecution(session.client, id);
    expect(run).toMatchObject({ status: 'waiting', summary: 'Waiting for an approval at step review' });

    const res = await session.post(`/v1/approvals/${approval.id}/approve`, { comment: 'ship it' });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'approved',
      decisions: [{ approver: session.adminApiKey.id, decision: 'approve', comment: 'ship it' }],
      approve_url: null,
    });
    const done = await waitForExecution(session.client, id);
    expect(done).toMatchObject({ status: 'succeeded', output: { sent: true, by: session.adminApiKey.id, note: 'ship it' } });
    expect(done.steps[1]).toMatchObject({
      step_id: 'review',
      status: 'succeeded',
      output: { approved: true, comment: 'ship it', approver: session.adminApiKey.id },
    });
    expect((await session.get('/v1/approvals', { query: { status: 'pending', execution_id: id } })).body.data).toEqual([]);
  });

  it('fails the step when rejected, or goes on with approved: false under on_error: continue', async () => {
    const strict = await reviewAgent();
    const lenient = await reviewAgent({}, 'continue');
    const a = await waitingRun(strict.id);
    const b = await waitingRun(lenient.id);

    expect((await session.post(`/v1/approvals/${a.approval.id}/reject`, { comment: 'too pushy' })).body.status).toBe('rejected');
    expect((await session.post(`/v1/approvals/${b.approval.id}/reject`, {})).body.status).toBe('rejected');

    expect(await waitForExecution(session.client, a.id)).toMatchObject({
      status: 'failed',
      error: { code: 'APPROVAL_REJECTED', step_id: 'review', message: `rejected by ${session.adminApiKey.id}: too pushy` },
    });
    expect(await waitForExecution(session.client, b.id)).toMatchObject({
      status: 'succeeded',
      output: { sent: false, by: session.adminApiKey.id, note: null },
    });
  });

  it('answers 409 to a second decision and to a decision on a cancelled run', async () => {
    const agent = await reviewAgent();
    const first = await waitingRun(agent.id);
    const second = await waitingRun(agent.id);
    await session.post(`/v1/approvals/${first.approval.id}/approve`, {});

    const again = await session.post(`/v1/approvals/${first.approval.id}/approve`, {});
    const rejectAfter = await session.post(`/v1/approvals/${first.approval.id}/reject`, {});
    await session.post(`/v1/executions/${second.id}/cancel`);
    const onCancelled = await session.post(`/v1/approvals/${second.approval.id}/approve`, {});

    expect([again.status, rejectAfter.status, onCancelled.status]).toEqual([409, 409, 409]);
    expect(again.body.error.message).toBe('The approval is already approved');
    expect(onCancelled.body.error.message).toMatch(/^The run is already cancelled/);
    expect((await session.get(`/v1/approvals/${second.approval.id}`)).body.status).toBe('cancelled');
  });

  it('expires an approval after its timeout_ms: the run ends timed_out', async () => {
    const agent = await reviewAgent({ timeout_ms: 300 });
    const { id, approval } = await waitingRun(agent.id);

    const done = await waitForExecution(session.client, id);

    expect(done).toMatchObject({ status: 'timed_out', error: { code: 'APPROVAL_EXPIRED', step_id: 'review' } });
    expect((await session.get(`/v1/approvals/${approval.id}`)).body).toMatchObject({ status: 'expired', approve_url: null });
    expect((await session.post(`/v1/approvals/${approval.id}/approve`, {})).status).toBe(409);
  });

  it('waits for approvals_required distinct approvers', async () => {
    const agent = await reviewAgent({ approvals_required: 2 });
    const { id, approval } = await waitingRun(agent.id);
    const other = await session.keyWith(['agents:approve', 'executions:read']);

    const one = await session.post(`/v1/approvals/${approval.id}/approve`, { comment: 'one' });
    const same = await session.post(`/v1/approvals/${approval.id}/approve`, {});
    expect(one.body).toMatchObject({ status: 'pending', decisions: [{ decision: 'approve' }] });
    expect(same.status).toBe(409);
    expect((await getExecution(session.client, id)).status).toBe('waiting');

    const two = await other.post(`/v1/approvals/${approval.id}/approve`, { comment: 'two' });

    expect(two.body).toMatchObject({ status: 'approved', decisions: [{ comment: 'one' }, { comment: 'two' }] });
    expect(await waitForExecution(session.client, id)).toMatchObject({ status: 'succeeded', output: { sent: true, note: 'two' } });
  });

  describe('signed links', () => {
    it('shows a confirmation page on GET, acts once on POST without an API key, and refuses a second use', async () => {
      const agent = await reviewAgent();
      const { id, approval } = await waitingRun(agent.id);
      const anonymous = new ApiClient(stack.gatewayUrl);

      const page = await anonymous.get(pathOf(approval.approve_url!));
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('Send &quot;Hello Ada&quot;?');
      expect((await getExecution(session.client, id)).status).toBe('waiting');

      const used = await anonymous.post(pathOf(approval.approve_url!), { comment: 'from my phone' });
      expect(used.status).toBe(200);
      const holder = used.body.decisions[0].approver;
      expect(holder).toMatch(/^link:[0-9a-f]{16}$/);
      expect(used.body).toMatchObject({ status: 'approved', decisions: [{ approver: holder, via: 'link', comment: 'from my phone' }] });
      expect(await waitForExecution(session.client, id)).toMatchObject({ status: 'succeeded', output: { by: holder } });

      expect((await anonymous.post(pathOf(approval.approve_url!), {})).status).toBe(409);
      expect((await anonymous.post(pathOf(approval.reject_url!), {})).status).toBe(409);
      expect((await anonymous.get(pathOf(approval.approve_url!))).body).toContain('can no longer be used');
    });

    it('makes the unnamed link one approver: approvals_required 2 needs someone else, and its holder decides once', async () => {
      const agent = await reviewAgent({ approvals_required: 2 });
      const first = await waitingRun(agent.id);
      const second = await waitingRun(agent.id);
      const anonymous = new ApiClient(stack.gatewayUrl);

      const one = await anonymous.post(pathOf(first.approval.approve_url!), { comment: 'by link' });
      const holder = one.body.decisions[0].approver;
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        status: 'pending',
        decisions: [{ approver: expect.stringMatching(/^link:[0-9a-f]{16}$/), via: 'link', decision: 'approve' }],
        approve_url: null,
        reject_url: null,
        links: [],
      });
      const again = await anonymous.post(pathOf(first.approval.approve_url!), {});
      const otherLink = await anonymous.post(pathOf(first.approval.reject_url!), {});
      expect([again.status, otherLink.status]).toEqual([409, 409]);
      expect(again.body.error.message).toBe('This approval link has already been used');
      expect(otherLink.body.error.message).toBe(`${holder} has already decided this approval; it needs distinct approvers`);
      expect((await anonymous.get(pathOf(first.approval.approve_url!))).body).toContain('this link has been used');

      const byKey = await session.post(`/v1/approvals/${first.approval.id}/approve`, { comment: 'by key' });
      expect(byKey.body).toMatchObject({
        status: 'approved',
        decisions: [
          { approver: holder, via: 'link' },
          { approver: session.adminApiKey.id, via: 'api_key' },
        ],
      });
      // Another approval's unnamed link is another holder.
      const secondUsed = await anonymous.post(pathOf(second.approval.approve_url!), {});
      expect(secondUsed.body.decisions[0].approver).toMatch(/^link:[0-9a-f]{16}$/);
      expect(secondUsed.body.decisions[0].approver).not.toBe(holder);
      await session.post(`/v1/approvals/${second.approval.id}/reject`, {});
    });

    it('refuses a tampered, swapped or malformed token with 404', async () => {
      const agent = await reviewAgent();
      const { approval } = await waitingRun(agent.id);
      const anonymous = new ApiClient(stack.gatewayUrl);
      const token = pathOf(approval.approve_url!).split('/').pop()!;
      const [payload, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = `${Buffer.from(JSON.stringify({ ...claims, d: 'reject' })).toString('base64url')}.${sig}`;

      for (const bad of [forged, `${payload}.${sig.slice(0, -2)}xx`, 'nonsense', `${payload}.`]) {
        const res = await anonymous.post(`/v1/approval-links/${bad}`, {});
        expect({ bad, status: res.status }).toEqual({ bad, status: 404 });
      }
      expect((await session.get(`/v1/approvals/${approval.id}`)).body.status).toBe('pending');
      await session.post(`/v1/approvals/${approval.id}/reject`, {});
    });
  });

  describe('signed links for named approvers (with.approvers)', () => {
    const approvers = ['alice@example.com', 'bob@example.com', 'carol@example.com'];
    /** The link pair the approval offers one approver. */
    const linksOf = (approval: ApprovalView, approver: string) => approval.links.find((l) => l.approver === approver)!;

    it('gives each named approver their own links, records them as the approver, and counts them as distinct approvers', async () => {
      const agent = await reviewAgent({ approvals_required: 2, approvers });
      const { id, approval } = await waitingRun(agent.id);
      const anonymous = new ApiClient(stack.gatewayUrl);
      expect(approval).toMatchObject({ approve_url: null, reject_url: null, approvals_required: 2 });
      expect(approval.links.map((l) => l.approver)).toEqual(approvers);
      for (const l of approval.links) {
        expect(l.approve_url).toMatch(/\/v1\/approval-links\/[\w-]+\.[\w-]+$/);
        expect(l.reject_url).toMatch(/\/v1\/approval-links\/[\w-]+\.[\w-]+$/);
      }
      const alice = linksOf(approval, 'alice@example.com');
      const bob = linksOf(approval, 'bob@example.com');
      expect((await anonymous.get(pathOf(alice.approve_url!))).body).toContain('You are deciding as <b>alice@example.com</b>');

      const one = await anonymous.post(pathOf(alice.approve_url!), { comment: 'fine by me' });
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        status: 'pending',
        decisions: [{ approver: 'alice@example.com', via: 'link', decision: 'approve', comment: 'fine by me' }],
      });
      expect(linksOf(one.body, 'alice@example.com')).toEqual({ approver: 'alice@example.com', approve_url: null, reject_url: null });
      expect(linksOf(one.body, 'bob@example.com').approve_url).toBe(bob.approve_url);
      const twice = await anonymous.post(pathOf(alice.approve_url!), {});
      const changedMind = await anonymous.post(pathOf(alice.reject_url!), {});
      expect([twice.status, changedMind.status]).toEqual([409, 409]);
      expect(changedMind.body.error.message).toBe('alice@example.com has already decided this approval; it needs distinct approvers');
      expect((await getExecution(session.client, id)).status).toBe('waiting');

      const two = await anonymous.post(pathOf(bob.approve_url!), { comment: 'go' });

      expect(two.body).toMatchObject({
        status: 'approved',
        decisions: [
          { approver: 'alice@example.com', via: 'link' },
          { approver: 'bob@example.com', via: 'link', comment: 'go' },
        ],
        links: approvers.map((approver) => ({ approver, approve_url: null, reject_url: null })),
      });
      const done = await waitForExecution(session.client, id);
      expect(done).toMatchObject({ status: 'succeeded', output: { sent: true, by: 'bob@example.com', note: 'go' } });
      expect(done.steps[1].output).toMatchObject({
        approver: 'bob@example.com',
        decisions: [{ approver: 'alice@example.com' }, { approver: 'bob@example.com' }],
      });
      expect((await anonymous.post(pathOf(linksOf(approval, 'carol@example.com').approve_url!), {})).status).toBe(409);
    });

    it('rejects as the named approver, and an API key still counts beside the links', async () => {
      const agent = await reviewAgent({ approvals_required: 2, approvers: ['alice@example.com', 'bob@example.com'] });
      const first = await waitingRun(agent.id);
      const second = await waitingRun(agent.id);
      const anonymous = new ApiClient(stack.gatewayUrl);

      const rejected = await anonymous.post(pathOf(linksOf(first.approval, 'bob@example.com').reject_url!), { comment: 'not now' });
      await anonymous.post(pathOf(linksOf(second.approval, 'alice@example.com').approve_url!), {});
      const withKey = await session.post(`/v1/approvals/${second.approval.id}/approve`, {});

      expect(rejected.body).toMatchObject({
        status: 'rejected',
        decisions: [{ approver: 'bob@example.com', via: 'link', decision: 'reject' }],
      });
      expect(await waitForExecution(session.client, first.id)).toMatchObject({
        status: 'failed',
        error: { code: 'APPROVAL_REJECTED', message: 'rejected by bob@example.com: not now' },
      });
      expect(withKey.body).toMatchObject({
        status: 'approved',
        decisions: [
          { approver: 'alice@example.com', via: 'link' },
          { approver: session.adminApiKey.id, via: 'api_key' },
        ],
      });
    });

    it('signs the approver into the link: a token edited to act as someone else is a 404', async () => {
      const agent = await reviewAgent({ approvers: ['alice@example.com'] });
      const { approval } = await waitingRun(agent.id);
      const anonymous = new ApiClient(stack.gatewayUrl);
      const [payload, sig] = pathOf(approval.links[0].approve_url!).split('/').pop()!.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      expect(claims.p).toBe('alice@example.com');
      const forge = (c: Record<string, unknown>) => `${Buffer.from(JSON.stringify(c)).toString('base64url')}.${sig}`;
      const { p: _named, ...unnamed } = claims;

      for (const bad of [forge({ ...claims, p: 'mallory@example.com' }), forge({ ...unnamed, l: '0000000000000000' }), forge(unnamed)]) {
        expect((await anonymous.post(`/v1/approval-links/${bad}`, {})).status).toBe(404);
        expect((await anonymous.get(`/v1/approval-links/${bad}`)).status).toBe(404);
      }
      expect((await session.get(`/v1/approvals/${approval.id}`)).body).toMatchObject({ status: 'pending', decisions: [] });
      await session.post(`/v1/approvals/${approval.id}/reject`, {});
    });

    it('refuses approvers that are not a literal list of distinct names when the agent is saved (400)', async () => {
      const bad = async (approvers: unknown) =>
        session.post('/v1/agents', stepsAgent([{ id: 'review', type: 'approval', with: { message: 'ok?', approvers } }]));
      for (const approversValue of [
        '{{ input.approvers }}',
        [],
        ['a@example.com', 'A@example.com'],
        ['key_01JD0000000000000000000000'],
        ['link:x'],
      ]) {
        const res = await bad(approversValue);
        expect({ approversValue, status: res.status }).toEqual({ approversValue, status: 400 });
        expect(res.body.error.details).toEqual([{ field: 'definition.steps[0].with.approvers', reason: expect.any(String) }]);
      }
    });
  });

  describe('bad requests', () => {
    it('validates bodies and queries, hides other workspaces, and checks scopes', async () => {
      const agent = await reviewAgent();
      const { approval } = await waitingRun(agent.id);
      const other = await TestSession.create(stack);
      const reader = await session.keyWith(['executions:read']);

      expect((await session.post(`/v1/approvals/${approval.id}/approve`, { comment: 'x', extra: 1 })).status).toBe(400);
      expect((await session.post(`/v1/approvals/${approval.id}/approve`, { comment: 'x'.repeat(2001) })).status).toBe(400);
      expect((await session.post(`/v1/approvals/${approval.id}/approve`, { comment: 42 })).status).toBe(400);
      expect((await session.get('/v1/approvals', { query: { status: 'maybe' } })).status).toBe(400);
      expect((await session.post('/v1/approvals/apr_01JD0000000000000000000000/approve', {})).status).toBe(404);
      expect((await session.post('/v1/approvals/not-an-id/approve', {})).status).toBe(404);
      expect((await other.post(`/v1/approvals/${approval.id}/approve`, {})).status).toBe(404);
      expect((await other.get(`/v1/approvals/${approval.id}`)).status).toBe(404);
      expect((await other.get('/v1/approvals')).body.data).toEqual([]);
      expect((await reader.post(`/v1/approvals/${approval.id}/approve`, {})).status).toBe(403);
      expect((await reader.get(`/v1/approvals/${approval.id}`)).status).toBe(200);
      expect(await waitFor(async () => (await session.get(`/v1/approvals/${approval.id}`)).body.status === 'pending', 1_000)).toBe(true);
      await session.post(`/v1/approvals/${approval.id}/reject`, {});
    });
  });
});
