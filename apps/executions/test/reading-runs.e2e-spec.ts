import { agentFactory, agentInputFactory, sharedStack, StackInfo, TestSession, waitFor } from '@agentry/testing';
import { createAgent, startAsync, stepsAgent, waitForExecution } from './support/runs';

describe('reading runs (HTTP through the gateway, real services)', () => {
  let stack: StackInfo;
  let session: TestSession;
  let agent: { id: string; slug: string };
  let failing: { id: string; slug: string };
  const succeeded: string[] = [];
  let failed: string;

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
    agent = await createAgent(session.client, agentFactory());
    failing = await createAgent(session.client, stepsAgent([{ id: 'boom', type: 'transform', with: { expression: '$error("boom")' } }]));
    for (let i = 0; i < 3; i++) succeeded.push((await session.post(`/v1/agents/${agent.id}/runs`, { input: agentInputFactory() })).body.id);
    failed = (await session.post(`/v1/agents/${failing.id}/runs`, { input: {} })).body.id;
  });

  describe('GET /v1/executions', () => {
    it('lists the workspace runs newest first, without input, output or steps', async () => {
      const res = await session.get('/v1/executions');

      expect(res.status).toBe(200);
      expect(res.body.data.map((e: { id: string }) => e.id)).toEqual([failed, ...[...succeeded].reverse()]);
      expect(res.body.next_cursor).toBeNull();
      expect(Object.keys(res.body.data[0]).sort()).toEqual(
        [
          'id',
          'agent_id',
          'agent_version',
          'status',
          'trigger_type',
          'trigger_id',
          'error',
          'tokens_used',
          'duration_ms',
          'summary',
          'retry_of',
          'created_at',
          'started_at',
          'finished_at',
        ].sort(),
      );
    });

    it('pages with limit and cursor, without gaps or repeats', async () => {
      const first = await session.get('/v1/executions', { query: { limit: 3 } });
      const second = await session.get('/v1/executions', { query: { limit: 3, cursor: first.body.next_cursor } });

      expect(first.body.data).toHaveLength(3);
      expect(first.body.next_cursor).toEqual(expect.any(String));
      expect(second.body.data).toHaveLength(1);
      expect(second.body.next_cursor).toBeNull();
      expect([...first.body.data, ...second.body.data].map((e: { id: string }) => e.id)).toEqual([failed, ...[...succeeded].reverse()]);
    });

    it('filters by status, agent (id or slug), trigger type and time', async () => {
      const ids = async (query: Record<string, string>) =>
        (await session.get('/v1/executions', { query })).body.data.map((e: { id: string }) => e.id);

      expect(await ids({ status: 'failed' })).toEqual([failed]);
      expect(await ids({ agent_id: agent.id })).toEqual([...succeeded].reverse());
      expect(await ids({ agent_id: failing.slug })).toEqual([failed]);
      expect(await ids({ trigger_type: 'schedule' })).toEqual([]);
      expect(await ids({ trigger_type: 'api', status: 'succeeded' })).toEqual([...succeeded].reverse());
      expect(await ids({ from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
      expect(await ids({ to: new Date(Date.now() + 60_000).toISOString(), from: '2020-01-01T00:00:00Z' })).toHaveLength(4);
    });

    it.each([
      [{ limit: '0' }, 'limit'],
      [{ limit: '101' }, 'limit'],
      [{ status: 'done' }, 'status'],
      [{ trigger_type: 'cron' }, 'trigger_type'],
      [{ from: 'yesterday' }, 'from'],
      [{ unknown: '1' }, 'unknown'],
      [{ cursor: 'not-a-cursor' }, 'cursor'],
    ])('refuses the query %j (400)', async (query, field) => {
      const res = await session.get('/v1/executions', { query });

      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_INPUT');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('needs the executions:read scope', async () => {
      const runner = await session.keyWith(['agents:run']);

      expect((await runner.get('/v1/executions')).status).toBe(403);
      expect((await runner.get(`/v1/executions/${failed}`)).status).toBe(403);
    });
  });

  describe('GET /v1/agents/{id}/executions', () => {
    it("lists one agent's runs, by id or slug", async () => {
      const byId = await session.get(`/v1/agents/${agent.id}/executions`);
      const bySlug = await session.get(`/v1/agents/${agent.slug}/executions`, { query: { limit: 1 } });

      expect(byId.body.data.map((e: { id: string }) => e.id)).toEqual([...succeeded].reverse());
      expect(bySlug.body.data.map((e: { id: string }) => e.id)).toEqual([succeeded[2]]);
      expect(bySlug.body.next_cursor).toEqual(expect.any(String));
    });

    it('refuses agent_id in the query, which the path already gives', async () => {
      const res = await session.get(`/v1/agents/${agent.id}/executions`, { query: { agent_id: failing.id } });

      expect(res.status).toBe(400);
    });
  });

  describe('GET /v1/executions/{id} and /logs', () => {
    it('shows a failed run with its error and the failing step', async () => {
      const res = await session.get(`/v1/executions/${failed}`);

      expect(res.body).toMatchObject({
        status: 'failed',
        error: { code: 'EXPRESSION_ERROR', step_id: 'boom', message: expect.stringContaining('boom') },
        steps: [{ step_id: 'boom', status: 'failed', attempts: [{ attempt: 1, status: 'failed', error: { code: 'EXPRESSION_ERROR' } }] }],
      });
    });

    it('pages the log lines in order and filters them by level and step', async () => {
      const all = await session.get(`/v1/executions/${failed}/logs`);
      const page1 = await session.get(`/v1/executions/${failed}/logs`, { query: { limit: 2 } });
      const page2 = await session.get(`/v1/executions/${failed}/logs`, { query: { limit: 2, cursor: page1.body.next_cursor } });
      const errors = await session.get(`/v1/executions/${failed}/logs`, { query: { level: 'error' } });
      const ofStep = await session.get(`/v1/executions/${failed}/logs`, { query: { step_id: 'boom' } });

      expect(all.body.data.map((l: { seq: number; level: string; step_id: string | null }) => [l.seq, l.level, l.step_id])).toEqual([
        [1, 'info', null],
        [2, 'info', null],
        [3, 'error', 'boom'],
        [4, 'error', 'boom'],
      ]);
      expect([...page1.body.data, ...page2.body.data]).toEqual(all.body.data);
      expect(errors.body.data).toHaveLength(2);
      expect(ofStep.body.data.every((l: { step_id: string }) => l.step_id === 'boom')).toBe(true);
      expect(all.body.data[3].message).toMatch(/^Run failed: Step boom failed/);
    });

    it("answers 404 for an unknown id, a malformed id, and another workspace's run", async () => {
      const other = await TestSession.create(stack);

      for (const path of [
        '/v1/executions/exe_01JD0000000000000000000000',
        '/v1/executions/not-an-id',
        '/v1/executions/exe_01JD0000000000000000000000/logs',
        `/v1/executions/agt_01JD0000000000000000000000`,
      ]) {
        expect({ path, status: (await session.get(path)).status }).toEqual({ path, status: 404 });
      }
      expect((await other.get(`/v1/executions/${failed}`)).status).toBe(404);
      expect((await other.get(`/v1/executions/${failed}/logs`)).status).toBe(404);
      expect((await other.post(`/v1/executions/${failed}/cancel`)).status).toBe(404);
      expect((await other.post(`/v1/executions/${failed}/retry`)).status).toBe(404);
      expect((await other.get('/v1/executions')).body.data).toEqual([]);
    });
  });

  describe('POST /v1/executions/{id}/retry', () => {
    it('starts a new run with the same input, linked to the first', async () => {
      const original = await session.get(`/v1/executions/${succeeded[0]}`);

      const res = await session.post(`/v1/executions/${succeeded[0]}/retry`);

      expect(res.status).toBe(202);
      expect(res.body).toEqual({ execution_id: expect.stringMatching(/^exe_/), status: 'queued' });
      const retried = await waitForExecution(session.client, res.body.execution_id);
      expect(retried).toMatchObject({
        status: 'succeeded',
        retry_of: succeeded[0],
        trigger_type: 'retry',
        trigger_id: succeeded[0],
        input: original.body.input,
        output: original.body.output,
      });
    });

    it('refuses to retry a run that has not finished (409)', async () => {
      const slow = await createAgent(session.client, stepsAgent([{ id: 'nap', type: 'delay', with: { ms: 600_000 } }]));
      const id = await startAsync(session.client, slow.id);
      await waitForExecution(session.client, id, (e) => e.status === 'waiting');

      const res = await session.post(`/v1/executions/${id}/retry`);

      expect(res.status).toBe(409);
      await session.post(`/v1/executions/${id}/cancel`);
    });
  });

  describe('deleting an agent', () => {
    it('deletes its runs (by event)', async () => {
      const doomed = await createAgent(session.client, agentFactory());
      const id = (await session.post(`/v1/agents/${doomed.id}/runs`, { input: agentInputFactory() })).body.id;
      expect((await session.get(`/v1/executions/${id}`)).status).toBe(200);

      expect((await session.delete(`/v1/agents/${doomed.id}`)).status).toBe(200);

      expect(await waitFor(async () => (await session.get(`/v1/executions/${id}`)).status === 404, 10_000)).toBe(true);
      expect((await session.get(`/v1/agents/${doomed.id}/executions`)).body.data).toEqual([]);
    });
  });
});
