import { expectStatus, FakeLlm, sharedStack, StackInfo, startFakeOpenAi, TestSession } from '@agentry/testing';
import { createAgent, startAsync, stepsAgent, waitForExecution } from './support/runs';

interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

/** Reads an SSE response the way a browser's EventSource would, until the server closes it. */
async function readStream(
  url: string,
  key: string,
  onEvent?: (e: SseEvent) => void,
): Promise<{ status: number; type: string; events: SseEvent[] }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' } });
  const events: SseEvent[] = [];
  if (res.status !== 200) return { status: res.status, type: res.headers.get('content-type') ?? '', events };
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const i = line.indexOf(':');
        fields[line.slice(0, i)] = line.slice(i + 1).trimStart();
      }
      if (!fields.event) continue;
      const e = { id: fields.id, event: fields.event, data: JSON.parse(fields.data) };
      events.push(e);
      onEvent?.(e);
    }
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', events };
}

describe('live progress and statistics (HTTP through the gateway, real services)', () => {
  let stack: StackInfo;
  let session: TestSession;

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
  });

  describe('GET /v1/executions/{id}/stream', () => {
    it('sends the state so far, then one event per step and status change, and ends with the finished run', async () => {
      const agent = await createAgent(
        session.client,
        stepsAgent([
          { id: 'a', type: 'transform', with: { expression: '1' } },
          { id: 'review', type: 'approval', with: { message: 'Go on?' } },
          { id: 'b', type: 'transform', with: { expression: '2' } },
        ]),
      );
      const id = await startAsync(session.client, agent.id);
      await waitForExecution(session.client, id, (e) => e.status === 'waiting');
      let connected!: () => void;
      const first = new Promise<void>((resolve) => (connected = resolve));

      const reading = readStream(`${stack.gatewayUrl}/v1/executions/${id}/stream`, session.admin.key!, () => connected());
      await first;
      const approval = (await session.get('/v1/approvals', { query: { execution_id: id } })).body.data[0];
      await session.post(`/v1/approvals/${approval.id}/approve`, {});
      const { status, type, events } = await reading;

      expect(status).toBe(200);
      expect(type).toMatch(/^text\/event-stream/);
      expect(events[0]).toMatchObject({
        event: 'execution',
        data: {
          id,
          status: 'waiting',
          steps: [
            { step_id: 'a', status: 'succeeded' },
            { step_id: 'review', status: 'waiting' },
          ],
        },
      });
      const describe = (e: SseEvent) =>
        e.event === 'step' ? `step ${e.data.step_id} ${e.data.status}` : e.event === 'status' ? `status ${e.data.status}` : e.event;
      expect(events.slice(1).map(describe)).toEqual([
        'status running',
        'step review succeeded',
        'step b succeeded',
        'status succeeded',
        'end',
      ]);
      expect(events[events.length - 1].data).toMatchObject({ id, status: 'succeeded', output: 2 });
      const ids = events.map((e) => Number(e.id));
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    });

    it('gives a client that connects after the end the whole run at once', async () => {
      const agent = await createAgent(session.client, stepsAgent([{ id: 'a', type: 'transform', with: { expression: '"done"' } }]));
      const run = (await session.post(`/v1/agents/${agent.id}/runs`, { input: {} })).body;

      const { events } = await readStream(`${stack.gatewayUrl}/v1/executions/${run.id}/stream`, session.admin.key!);

      expect(events.map((e) => e.event)).toEqual(['execution', 'end']);
      expect(events[0].data).toEqual(run);
    });

    it("answers 404 for an unknown run or another workspace's, and 403 without executions:read", async () => {
      const agent = await createAgent(session.client, stepsAgent([{ id: 'a', type: 'transform', with: { expression: '1' } }]));
      const run = (await session.post(`/v1/agents/${agent.id}/runs`, { input: {} })).body;
      const other = await TestSession.create(stack);
      const runner = await session.keyWith(['agents:run']);

      expect((await readStream(`${stack.gatewayUrl}/v1/executions/exe_01JD0000000000000000000000/stream`, session.admin.key!)).status).toBe(
        404,
      );
      expect((await readStream(`${stack.gatewayUrl}/v1/executions/${run.id}/stream`, other.admin.key!)).status).toBe(404);
      expect((await readStream(`${stack.gatewayUrl}/v1/executions/${run.id}/stream`, runner.key!)).status).toBe(403);
    });

    describe('model output', () => {
      const answer = 'Ada Lovelace wrote the first program.';
      let openai: FakeLlm;
      let connectionId: string;

      beforeAll(async () => {
        openai = await startFakeOpenAi();
        const config = { base_url: `${openai.url}/v1`, api_key: 'sk-proj-e2e-1234567890' };
        const res = await session.post('/v1/connections', { platform: 'openai', name: 'openai (stream e2e)', config, test: true });
        expect(expectStatus(res, 201, 'openai connection').body.status).toBe('active');
        connectionId = res.body.id;
      });

      afterAll(() => openai?.close());

      /** Starts an async run of one `llm` step and reads its stream; the model answers once the stream is open. */
      const streamLlmRun = async (extra: Record<string, unknown> = {}) => {
        let speak!: () => void;
        const streamOpen = new Promise<void>((resolve) => (speak = resolve));
        openai.setBrain(() => ({ text: answer, chunkDelayMs: 20, holdUntil: streamOpen }));
        const agent = await createAgent(
          session.client,
          stepsAgent([
            { id: 'draft', type: 'llm', with: { connection_id: connectionId, model: 'gpt-e2e', prompt: 'One line on Ada.', ...extra } },
          ]),
        );
        const id = await startAsync(session.client, agent.id);
        return readStream(`${stack.gatewayUrl}/v1/executions/${id}/stream`, session.admin.key!, (e) => e.event === 'execution' && speak());
      };

      it("forwards the model's text as llm events, in order, before the step's result, and still ends with end", async () => {
        const { events } = await streamLlmRun();

        const llm = events.filter((e) => e.event === 'llm');
        // the fake streams the answer in 7-character pieces
        expect(llm.map((e) => e.data)).toEqual(
          ['Ada Lov', 'elace w', 'rote th', 'e first', ' progra', 'm.'].map((delta) => ({
            step_id: 'draft',
            call: 1,
            delta,
            at: expect.any(String),
          })),
        );
        expect(llm.every((e) => e.id === undefined)).toBe(true);
        const stepDone = events.findIndex((e) => e.event === 'step' && e.data.step_id === 'draft' && e.data.status === 'succeeded');
        expect(events.indexOf(llm[0])).toBeGreaterThan(0);
        expect(events.indexOf(llm[llm.length - 1])).toBeLessThan(stepDone);
        const end = events[events.length - 1];
        expect(end).toMatchObject({ event: 'end', data: { status: 'succeeded', steps: [{ step_id: 'draft', output: { text: answer } }] } });
        expect(llm.map((e) => e.data.delta).join('')).toBe(end.data.steps[0].output.text);
      });

      it('sends no llm events for a step with stream: false', async () => {
        const { events } = await streamLlmRun({ stream: false });

        expect(events.filter((e) => e.event === 'llm')).toEqual([]);
        expect(events[events.length - 1]).toMatchObject({ event: 'end', data: { status: 'succeeded', output: { text: answer } } });
      });
    });
  });

  describe('GET /v1/agents/{id}/stats', () => {
    let agent: { id: string; slug: string };

    beforeAll(async () => {
      agent = await createAgent(
        session.client,
        stepsAgent([{ id: 'work', type: 'transform', with: { expression: 'input.fail ? $error("boom") : "ok"' } }]),
      );
      for (const fail of [false, false, false, true]) await session.post(`/v1/agents/${agent.id}/runs`, { input: { fail } });
      const slow = await startAsync(session.client, agent.id, { fail: false });
      await waitForExecution(session.client, slow);
    });

    it('counts runs, success rate, durations, tokens and the last error, per day in a time zone', async () => {
      const res = await session.get(`/v1/agents/${agent.slug}/stats`, { query: { group_by: 'day', timezone: 'America/New_York' } });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        agent_id: agent.id,
        group_by: 'day',
        timezone: 'America/New_York',
        totals: {
          executions: 5,
          succeeded: 4,
          failed: 1,
          cancelled: 0,
          success_rate: 0.8,
          tokens_used: 0,
          p50_duration_ms: expect.any(Number),
          p95_duration_ms: expect.any(Number),
        },
        last_error: { code: 'EXPRESSION_ERROR', step_id: 'work', execution_id: expect.stringMatching(/^exe_/) },
      });
      expect(res.body.buckets.reduce((n: number, b: { executions: number }) => n + b.executions, 0)).toBe(5);
      for (const bucket of res.body.buckets) {
        const local = new Intl.DateTimeFormat('en-GB', {
          timeZone: 'America/New_York',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }).format(new Date(bucket.start));
        expect(local).toBe('00:00');
      }
    });

    it('starts month buckets on the first day of the month', async () => {
      const res = await session.get(`/v1/agents/${agent.id}/stats`, { query: { group_by: 'month' } });

      expect(res.body.buckets.every((b: { start: string }) => /^\d{4}-\d{2}-01T00:00:00.000Z$/.test(b.start))).toBe(true);
      expect(res.body.totals.executions).toBe(5);
    });

    it('is empty for a period without runs', async () => {
      const res = await session.get(`/v1/agents/${agent.id}/stats`, {
        query: { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' },
      });

      expect(res.body).toMatchObject({
        totals: { executions: 0, success_rate: null, p50_duration_ms: null },
        buckets: [],
        last_error: null,
      });
    });

    it.each([
      [{ group_by: 'year' }, 'group_by'],
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
      [{ from: 'soon' }, 'from'],
      [{ extra: '1' }, 'extra'],
    ])('refuses %j (400)', async (query, field) => {
      const res = await session.get(`/v1/agents/${agent.id}/stats`, { query });

      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it("answers 404 for an unknown agent and another workspace's", async () => {
      const other = await TestSession.create(stack);

      expect((await session.get('/v1/agents/agt_01JD0000000000000000000000/stats')).status).toBe(404);
      expect((await other.get(`/v1/agents/${agent.id}/stats`)).status).toBe(404);
    });
  });
});
