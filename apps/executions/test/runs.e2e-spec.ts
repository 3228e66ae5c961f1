import { EVENTS_STREAM, EventEnvelope, ExecutionEventData } from '@agentry/contracts';
import { agentFactory, agentInputFactory, sharedStack, StackInfo, TestSession, waitFor } from '@agentry/testing';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { FakeHttp } from './support/fake-http';
import { createAgent, getExecution, startAsync, stepsAgent, stepStatus, waitForExecution } from './support/runs';

describe('runs (HTTP through the gateway, real services)', () => {
  let stack: StackInfo;
  let session: TestSession;
  let fake: FakeHttp;
  let nc: NatsConnection;

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
    fake = await FakeHttp.start();
    nc = await connect({ servers: stack.natsUrl });
  });

  afterAll(async () => {
    await fake?.stop();
    await nc?.close();
  });

  /** Every `agentry.executions.*` event of one run, in stream order. */
  async function eventsOf(executionId: string, expected: number): Promise<EventEnvelope<ExecutionEventData>[]> {
    const jsm = await jetstreamManager(nc);
    const found: EventEnvelope<ExecutionEventData>[] = [];
    await waitFor(
      async () => {
        found.length = 0;
        const consumer = await jetstream(nc).consumers.get(EVENTS_STREAM, {
          filter_subjects: 'agentry.executions.>',
          deliver_policy: DeliverPolicy.All,
        });
        const pending = (await jsm.streams.info(EVENTS_STREAM)).state.messages;
        const batch = await consumer.fetch({ max_messages: Math.max(1, pending), expires: 2_000 });
        for await (const m of batch) {
          const e = m.json<EventEnvelope<ExecutionEventData>>();
          if (e.data.execution_id === executionId) found.push(e);
          if (m.info.pending === 0) break;
        }
        return found.length >= expected;
      },
      10_000,
      200,
    );
    return found;
  }

  describe('starting a run', () => {
    it('runs a two-step agent synchronously and answers 200 with the finished execution', async () => {
      const agent = await createAgent(session.client, agentFactory());
      const input = agentInputFactory({ employees: 250 });

      const res = await session.post(`/v1/agents/${agent.id}/runs`, { input, metadata: { crm_id: '42' } });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^exe_[0-9A-Z]{26}$/),
        agent_id: agent.id,
        agent_version: 1,
        status: 'succeeded',
        trigger_type: 'api',
        input,
        output: { email: input.email.toLowerCase(), score: 90 },
        error: null,
        tokens_used: 0,
        metadata: { crm_id: '42' },
        summary: '2 steps succeeded in ' + res.body.duration_ms + ' ms',
      });
      expect(res.body.steps.map((s: { step_id: string; status: string }) => [s.step_id, s.status])).toEqual([
        ['normalize', 'succeeded'],
        ['score', 'succeeded'],
      ]);
      for (const step of res.body.steps) {
        expect(step.attempts).toEqual([
          {
            attempt: 1,
            status: 'succeeded',
            started_at: expect.any(String),
            finished_at: expect.any(String),
            duration_ms: expect.any(Number),
          },
        ]);
      }
      expect(res.body.duration_ms).toEqual(expect.any(Number));
      expect((await session.get(`/v1/executions/${res.body.id}`)).body).toEqual(res.body);
    });

    it('accepts an async run with 202, moves it queued → running → succeeded, and publishes each transition as an event', async () => {
      const agent = await createAgent(session.client, agentFactory());

      const res = await session.post(`/v1/agents/${agent.slug}/runs`, { input: agentInputFactory({ employees: 3 }), async: true });

      expect(res.status).toBe(202);
      expect(res.body).toEqual({ execution_id: expect.stringMatching(/^exe_/), status: 'queued' });
      const done = await waitForExecution(session.client, res.body.execution_id);
      expect(done).toMatchObject({ status: 'succeeded', output: { score: 40 } });
      const events = await eventsOf(res.body.execution_id, 5);
      expect(events.map((e) => [e.type, e.data.status, e.data.step_id ?? null])).toEqual([
        ['executions.queued', 'queued', null],
        ['executions.started', 'running', null],
        ['executions.step_completed', 'running', 'normalize'],
        ['executions.step_completed', 'running', 'score'],
        ['executions.succeeded', 'succeeded', null],
      ]);
      expect(events[4].data).toMatchObject({
        output: { score: 40 },
        agent_id: agent.id,
        trigger_type: 'api',
        duration_ms: expect.any(Number),
      });
      expect(events.every((e) => e.workspace_id === session.workspace.id)).toBe(true);
    });

    it('answers the /trigger alias like /runs', async () => {
      const agent = await createAgent(session.client, agentFactory());

      const res = await session.post(`/v1/agents/${agent.id}/trigger`, { input: agentInputFactory() });

      expect(res.status).toBe(200);
      expect(res.body.status).toBe('succeeded');
    });

    it("validates the input against the agent's input_schema, one detail per problem", async () => {
      const agent = await createAgent(session.client, agentFactory());

      const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: { email: 42, extra: true } });

      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', message: "Input does not match the agent's input_schema" });
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([
          { field: 'input.employees', reason: 'required' },
          { field: 'input.email', reason: 'must be string' },
          { field: 'input.extra', reason: 'unknown field' },
        ]),
      );
    });

    it.each([
      ['an unknown field', { input: {}, priority: 'high' }, 'priority'],
      ['async that is not a boolean', { input: {}, async: 'yes' }, 'async'],
      ['input that is not an object', { input: [1, 2] }, 'input'],
      ['wait_timeout_ms out of range', { input: {}, wait_timeout_ms: 5 }, 'wait_timeout_ms'],
      ['a callback_url that is not a URL', { input: {}, callback_url: 'not a url' }, 'callback_url'],
      ['metadata that is not an object', { input: {}, metadata: 'x' }, 'metadata'],
    ])('refuses a body with %s (400)', async (_case, body, field) => {
      const agent = await createAgent(session.client, agentFactory());

      const res = await session.post(`/v1/agents/${agent.id}/runs`, body);

      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_INPUT');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('answers 404 for an unknown agent, a malformed id, and an agent of another workspace', async () => {
      const other = await TestSession.create(stack);
      const theirs = await createAgent(other.client, agentFactory());

      for (const ref of ['agt_01JD0000000000000000000000', 'no-such-agent', 'bad%20id!', theirs.id, theirs.slug]) {
        const res = await session.post(`/v1/agents/${encodeURIComponent(ref)}/runs`, { input: agentInputFactory() });
        expect({ ref, status: res.status, code: res.body.error?.code }).toEqual({ ref, status: 404, code: 'NOT_FOUND' });
      }
    });

    it('needs the agents:run scope (403 with executions:read only)', async () => {
      const agent = await createAgent(session.client, agentFactory());
      const reader = await session.keyWith(['executions:read']);

      const res = await reader.post(`/v1/agents/${agent.id}/runs`, { input: agentInputFactory() });

      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    });

    it('returns the same execution for a repeated Idempotency-Key, and 409 for the key with another body', async () => {
      const agent = await createAgent(session.client, agentFactory());
      const input = agentInputFactory();
      const headers = { 'Idempotency-Key': `run-${Date.now()}` };

      const first = await session.post(`/v1/agents/${agent.id}/runs`, { input, async: true }, { headers });
      const second = await session.post(`/v1/agents/${agent.id}/runs`, { input, async: true }, { headers });
      const other = await session.post(`/v1/agents/${agent.id}/runs`, { input: agentInputFactory(), async: true }, { headers });

      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      expect(second.body.execution_id).toBe(first.body.execution_id);
      expect(other.status).toBe(409);
      const list = await session.get(`/v1/agents/${agent.id}/executions`);
      expect(list.body.data).toHaveLength(1);
    });

    it('refuses runs of a paused agent with 409 AGENT_PAUSED, and runs it again once resumed', async () => {
      const agent = await createAgent(session.client, agentFactory());
      expect((await session.post(`/v1/agents/${agent.id}/pause`)).status).toBe(200);

      // The pause reaches the executions read model by event: within moments.
      let res = await session.post(`/v1/agents/${agent.id}/runs`, { input: agentInputFactory() });
      await waitFor(async () => {
        res = await session.post(`/v1/agents/${agent.id}/runs`, { input: agentInputFactory(), async: true });
        return res.status === 409;
      }, 10_000);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('AGENT_PAUSED');

      await session.post(`/v1/agents/${agent.id}/resume`);
      await waitFor(async () => (await session.post(`/v1/agents/${agent.id}/runs`, { input: agentInputFactory() })).status === 200, 10_000);
    });

    it('answers 202 with the execution id when a sync run outlasts wait_timeout_ms, and the run goes on', async () => {
      const agent = await createAgent(session.client, stepsAgent([{ id: 'nap', type: 'delay', with: { ms: 1_500 } }]));

      const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: {}, wait_timeout_ms: 200 });

      expect(res.status).toBe(202);
      expect(res.body).toEqual({ execution_id: expect.stringMatching(/^exe_/), status: 'waiting' });
      const done = await waitForExecution(session.client, res.body.execution_id);
      expect(done.status).toBe('succeeded');
      expect(done.output).toEqual({ waited_ms: expect.any(Number) });
    });
  });

  describe('steps', () => {
    it('skips a step whose if is false, and the output defaults to the last step that ran', async () => {
      const agent = await createAgent(
        session.client,
        stepsAgent([
          { id: 'a', type: 'transform', with: { expression: '{ "n": input.n }' } },
          { id: 'b', type: 'transform', if: 'steps.a.output.n > 10', with: { expression: '"big"' } },
          { id: 'c', type: 'transform', with: { expression: '{ "n": steps.a.output.n, "b": steps.b.status }' } },
        ]),
      );

      const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: { n: 3 } });

      expect(res.body.status).toBe('succeeded');
      expect(res.body.steps.map((s: { status: string }) => s.status)).toEqual(['succeeded', 'skipped', 'succeeded']);
      expect(res.body.output).toEqual({ n: 3, b: 'skipped' });
      expect(res.body.summary).toMatch(/^2 steps succeeded, 1 skipped in \d+ ms$/);
    });

    it('evaluates {{ }} templates in with: an exact template keeps its type, a mixed one is a string', async () => {
      fake.on('/echo', (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, body: JSON.parse(req.body), header: req.headers['x-run'] }));
      });
      const agent = await createAgent(
        session.client,
        stepsAgent(
          [
            {
              id: 'call',
              type: 'http',
              with: {
                method: 'POST',
                url: `${fake.url}/echo`,
                headers: { 'x-run': 'run {{ run.id }}' },
                body: { items: '{{ input.items }}', label: 'n={{ $count(input.items) }}' },
              },
            },
          ],
          { output: 'steps.call.output.body' },
        ),
      );

      const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: { items: [1, 2, 3] } });

      expect(res.body.status).toBe('succeeded');
      expect(res.body.output).toEqual({ method: 'POST', body: { items: [1, 2, 3], label: 'n=3' }, header: `run ${res.body.id}` });
    });

    it('retries a failing http step with exponential backoff and succeeds on the third attempt', async () => {
      fake.sequence('/flaky', [503, 503, 200]);
      const agent = await createAgent(
        session.client,
        stepsAgent([
          {
            id: 'call',
            type: 'http',
            with: { method: 'GET', url: `${fake.url}/flaky` },
            retry: { max_attempts: 3, backoff_ms: 50, factor: 2 },
          },
        ]),
      );

      const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: {} });

      expect(res.body.status).toBe('succeeded');
      expect(res.body.output).toMatchObject({ status: 200, body: { hit: 3 } });
      expect(
        res.body.steps[0].attempts.map((a: { status: string; error?: { code: string } }) => [a.status, a.error?.code ?? null]),
      ).toEqual([
        ['failed', 'HTTP_ERROR'],
        ['failed', 'HTTP_ERROR'],
        ['succeeded', null],
      ]);
      const logs = (await session.get(`/v1/executions/${res.body.id}/logs`, { query: { level: 'warn' } })).body.data;
      expect(logs.map((l: { message: string }) => l.message)).toEqual([
        expect.stringMatching(/attempt 1 failed: HTTP 503 .*; retrying in 50 ms$/),
        expect.stringMatching(/attempt 2 failed: HTTP 503 .*; retrying in 100 ms$/),
      ]);
      expect(fake.hitCount('/flaky')).toBe(3);
    });

    it('fails the run after the last attempt, naming the step and the error', async () => {
      fake.json('/down', 500, { error: 'boom' });
      const agent = await createAgent(
        session.client,
        stepsAgent([
          { id: 'call', type: 'http', with: { method: 'GET', url: `${fake.url}/down` }, retry: { max_attempts: 2, backoff_ms: 10 } },
          { id: 'after', type: 'transform', with: { expression: '1' } },
        ]),
      );

      const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: {} });

      expect(res.body).toMatchObject({
        status: 'failed',
        error: { code: 'HTTP_ERROR', message: expect.stringContaining('HTTP 500'), step_id: 'call' },
        summary: expect.stringMatching(/^Step call failed: HTTP 500/),
      });
      expect(res.body.steps.map((s: { step_id: string; status: string }) => [s.step_id, s.status])).toEqual([['call', 'failed']]);
      expect(res.body.steps[0].attempts).toHaveLength(2);
      expect(res.body.steps[0].output).toMatchObject({ status: 500, body: { error: 'boom' } });
    });

    it('goes on after a failed step with on_error: continue, which later steps can inspect', async () => {
      fake.json('/gone', 503, { error: 'unavailable' });
      const agent = await createAgent(
        session.client,
        stepsAgent([
          { id: 'call', type: 'http', with: { method: 'GET', url: `${fake.url}/gone` }, on_error: 'continue' },
          { id: 'after', type: 'transform', with: { expression: '{ "call": steps.call.status, "code": steps.call.output.status }' } },
        ]),
      );

      const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: {} });

      expect(res.body.status).toBe('succeeded');
      expect(res.body.output).toEqual({ call: 'failed', code: 503 });
      expect(stepStatus(res.body, 'call')).toBe('failed');
      expect(res.body.summary).toMatch(/^1 step succeeded, 1 failed and continued/);
    });

    it('times out a slow step: the run ends timed_out with STEP_TIMEOUT', async () => {
      fake.hang('/slow-timeout');
      const agent = await createAgent(
        session.client,
        stepsAgent([{ id: 'call', type: 'http', with: { method: 'GET', url: `${fake.url}/slow-timeout` }, timeout_ms: 300 }]),
      );

      const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: {} });

      expect(res.body).toMatchObject({ status: 'timed_out', error: { code: 'STEP_TIMEOUT', step_id: 'call' } });
      await waitFor(async () => fake.openCount() === 0, 5_000);
    });

    it('fails a step whose expression fails at run time, with EXPRESSION_ERROR', async () => {
      const agent = await createAgent(
        session.client,
        stepsAgent([{ id: 'bad', type: 'transform', with: { expression: '$number("abc")' } }]),
      );

      const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: {} });

      expect(res.body).toMatchObject({ status: 'failed', error: { code: 'EXPRESSION_ERROR', step_id: 'bad' } });
    });

    it('finishes the run at a stop step with its output', async () => {
      const agent = await createAgent(
        session.client,
        stepsAgent([
          { id: 'early', type: 'stop', if: 'input.stop', with: { output: { stopped: true, n: '{{ input.n }}' } } },
          { id: 'late', type: 'transform', with: { expression: '"not stopped"' } },
        ]),
      );

      const stopped = await session.post(`/v1/agents/${agent.id}/runs`, { input: { stop: true, n: 7 } });
      const ran = await session.post(`/v1/agents/${agent.id}/runs`, { input: { stop: false } });

      expect(stopped.body).toMatchObject({ status: 'succeeded', output: { stopped: true, n: 7 } });
      expect(stopped.body.steps.map((s: { step_id: string }) => s.step_id)).toEqual(['early']);
      expect(ran.body).toMatchObject({ status: 'succeeded', output: 'not stopped' });
    });

    it('applies definition.output to { input, steps, run }', async () => {
      const agent = await createAgent(
        session.client,
        stepsAgent([{ id: 'a', type: 'transform', with: { expression: 'input.x * 2' } }], {
          output: '{ "double": steps.a.output, "run": run.id }',
        }),
      );

      const res = await session.post(`/v1/agents/${agent.id}/runs`, { input: { x: 21 } });

      expect(res.body.output).toEqual({ double: 42, run: res.body.id });
    });
  });

  describe('cancel', () => {
    it('cancels a run waiting on a delay at once, and a second cancel is a 409', async () => {
      const agent = await createAgent(
        session.client,
        stepsAgent([
          { id: 'nap', type: 'delay', with: { ms: 600_000 } },
          { id: 'never', type: 'transform', with: { expression: '1' } },
        ]),
      );
      const id = await startAsync(session.client, agent.id);
      await waitForExecution(session.client, id, (e) => e.status === 'waiting');

      const res = await session.post(`/v1/executions/${id}/cancel`);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, status: 'cancelled', summary: 'Cancelled while waiting' });
      expect(res.body.steps.map((s: { step_id: string; status: string }) => [s.step_id, s.status])).toEqual([['nap', 'cancelled']]);
      const again = await session.post(`/v1/executions/${id}/cancel`);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('CONFLICT');
      const events = await eventsOf(id, 4);
      expect(events.map((e) => e.type)).toEqual(['executions.queued', 'executions.started', 'executions.waiting', 'executions.cancelled']);
    });

    it('interrupts a running http step: the request is aborted and the run is cancelled', async () => {
      fake.hang('/slow-cancel');
      const agent = await createAgent(
        session.client,
        stepsAgent([{ id: 'call', type: 'http', with: { method: 'GET', url: `${fake.url}/slow-cancel`, timeout_ms: 120_000 } }]),
      );
      const id = await startAsync(session.client, agent.id);
      await waitFor(async () => fake.hitCount('/slow-cancel') === 1, 10_000);
      expect((await getExecution(session.client, id)).status).toBe('running');

      const res = await session.post(`/v1/executions/${id}/cancel`);

      expect(res.status).toBe(200);
      expect(res.body.status).toBe('cancelled');
      expect(res.body.steps[0]).toMatchObject({ step_id: 'call', status: 'cancelled', attempts: [{ attempt: 1, status: 'cancelled' }] });
      expect(await waitFor(async () => fake.openCount() === 0, 5_000)).toBe(true);
    });

    it('cancels a queued run before it starts', async () => {
      fake.hold('/hold-queue');
      const agent = await createAgent(
        session.client,
        stepsAgent([{ id: 'call', type: 'http', with: { method: 'GET', url: `${fake.url}/hold-queue` } }], { max_concurrency: 1 }),
      );
      const first = await startAsync(session.client, agent.id);
      await waitFor(async () => fake.heldCount('/hold-queue') === 1, 10_000);
      const second = await startAsync(session.client, agent.id);
      expect((await getExecution(session.client, second)).status).toBe('queued');

      const res = await session.post(`/v1/executions/${second}/cancel`);
      fake.release('/hold-queue');

      expect(res.body).toMatchObject({ status: 'cancelled', summary: 'Cancelled before it started', steps: [] });
      expect((await waitForExecution(session.client, first)).status).toBe('succeeded');
    });
  });

  describe('concurrency limits', () => {
    it("queues runs beyond the agent's max_concurrency and runs them as slots free up", async () => {
      fake.hold('/hold-agent');
      const agent = await createAgent(
        session.client,
        stepsAgent([{ id: 'call', type: 'http', with: { method: 'GET', url: `${fake.url}/hold-agent` } }], { max_concurrency: 2 }),
      );
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await startAsync(session.client, agent.id));
      await waitFor(async () => fake.heldCount('/hold-agent') === 2, 10_000);
      const statuses = await Promise.all(ids.map(async (id) => (await getExecution(session.client, id)).status));
      expect(statuses.filter((s) => s === 'running')).toHaveLength(2);
      expect(statuses.filter((s) => s === 'queued')).toHaveLength(3);

      const released = setInterval(() => fake.release('/hold-agent'), 100);
      try {
        for (const id of ids) expect((await waitForExecution(session.client, id)).status).toBe('succeeded');
      } finally {
        clearInterval(released);
      }
      expect(fake.maxHeldCount('/hold-agent')).toBe(2);
    });

    it('admits exactly max_concurrency of many runs started at once (they are inserted in batches)', async () => {
      fake.hold('/hold-burst');
      const agent = await createAgent(
        session.client,
        stepsAgent([{ id: 'call', type: 'http', with: { method: 'GET', url: `${fake.url}/hold-burst` } }], { max_concurrency: 3 }),
      );
      const ids = await Promise.all(Array.from({ length: 12 }, () => startAsync(session.client, agent.id)));
      await waitFor(async () => fake.heldCount('/hold-burst') === 3, 10_000);
      const statuses = await Promise.all(ids.map(async (id) => (await getExecution(session.client, id)).status));
      expect(statuses.filter((s) => s === 'running')).toHaveLength(3);
      expect(statuses.filter((s) => s === 'queued')).toHaveLength(9);

      const released = setInterval(() => fake.release('/hold-burst'), 50);
      try {
        for (const id of ids) expect((await waitForExecution(session.client, id)).status).toBe('succeeded');
      } finally {
        clearInterval(released);
      }
      expect(fake.maxHeldCount('/hold-burst')).toBe(3);
    });

    it("holds a free workspace to its plan's concurrent runs (5)", async () => {
      const free = await TestSession.create(stack, { plan: 'free' });
      fake.hold('/hold-plan');
      const agent = await createAgent(
        free.client,
        stepsAgent([{ id: 'call', type: 'http', with: { method: 'GET', url: `${fake.url}/hold-plan` } }], { max_concurrency: 50 }),
      );
      const ids = [];
      for (let i = 0; i < 7; i++) ids.push(await startAsync(free.client, agent.id));
      await waitFor(async () => fake.heldCount('/hold-plan') === 5, 10_000);
      const queued = (await free.get('/v1/executions', { query: { status: 'queued' } })).body.data;
      expect(queued).toHaveLength(2);

      const released = setInterval(() => fake.release('/hold-plan'), 100);
      try {
        for (const id of ids) expect((await waitForExecution(free.client, id)).status).toBe('succeeded');
      } finally {
        clearInterval(released);
      }
      expect(fake.maxHeldCount('/hold-plan')).toBe(5);
    });

    it('keeps the running-run counters equal to the runs that are running, for every agent and workspace', async () => {
      // Runs that end every way a slot is given back: succeed, fail, cancel while running, and wait for a person.
      fake.hold('/hold-cancel-slot');
      const agent = await createAgent(
        session.client,
        stepsAgent([{ id: 'call', type: 'http', with: { method: 'GET', url: `${fake.url}/hold-cancel-slot` } }]),
      );
      const held = await startAsync(session.client, agent.id);
      await waitFor(async () => fake.heldCount('/hold-cancel-slot') === 1, 10_000);
      const failing = await createAgent(
        session.client,
        stepsAgent([{ id: 'boom', type: 'transform', with: { expression: '$error("no")' } }]),
      );
      const waiting = await createAgent(session.client, stepsAgent([{ id: 'ok', type: 'approval', with: { message: 'ok?' } }]));
      const others = [await startAsync(session.client, failing.id), await startAsync(session.client, waiting.id)];
      await session.post(`/v1/executions/${held}/cancel`);
      expect((await waitForExecution(session.client, held)).status).toBe('cancelled');
      await waitFor(async () => (await getExecution(session.client, others[1])).status === 'waiting', 10_000);
      expect((await waitForExecution(session.client, others[0])).status).toBe('failed');

      const db = new Client({ connectionString: stack.databaseUrl });
      await db.connect();
      try {
        const { rows } = await db.query(`
          WITH counted AS (
            -- the counters, less the releases not folded into them yet
            SELECT scope, sum(n)::int AS n FROM (
              SELECT scope, running AS n FROM executions.run_slots
              UNION ALL
              SELECT scope, -1 FROM executions.run_slot_releases) x
             GROUP BY scope
          ), actual AS (
            SELECT 'a:' || agent_id AS scope, count(*)::int AS n FROM executions.executions WHERE status = 'running' GROUP BY agent_id
            UNION ALL
            SELECT 'w:' || workspace_id, count(*)::int FROM executions.executions WHERE status = 'running' GROUP BY workspace_id
          )
          SELECT coalesce(c.scope, a.scope) AS scope, coalesce(c.n, 0) AS counted, coalesce(a.n, 0) AS actual
            FROM counted c FULL JOIN actual a ON a.scope = c.scope
           WHERE coalesce(c.n, 0) <> coalesce(a.n, 0)`);
        expect(rows).toEqual([]);
        const scopes = (await db.query(`SELECT count(*)::int AS n FROM executions.run_slots`)).rows[0].n;
        expect(scopes).toBeGreaterThan(0);
      } finally {
        await db.end();
      }
    });
  });
});
