import { AgentsEvents, EVENTS_STREAM, EventEnvelope } from '@agentry/contracts';
import { agentFactory, sharedStack, StackInfo, TestSession } from '@agentry/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

describe('agents lifecycle (HTTP, real services)', () => {
  let stack: StackInfo;
  let session: TestSession;

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
  });

  it('creates, reads by id and slug, lists, filters, updates with versions, pauses, resumes and deletes an agent', async () => {
    const body = agentFactory({ tags: ['sales', 'e2e'] });
    const created = await session.post('/v1/agents', body);
    expect(created.status).toBe(201);
    const agent = created.body;
    expect(agent).toMatchObject({
      id: expect.stringMatching(/^agt_[0-9A-Z]{26}$/),
      slug: body.slug,
      name: body.name,
      status: 'active',
      version: 1,
      tags: ['sales', 'e2e'],
    });
    expect(agent.definition).toEqual(body.definition);

    expect((await session.get(`/v1/agents/${agent.id}`)).body).toEqual(agent);
    expect((await session.get(`/v1/agents/${agent.slug}`)).body).toEqual(agent);

    const other = (await session.post('/v1/agents', agentFactory({ tags: ['support'] }))).body;
    const byTag = await session.get('/v1/agents', { query: { tag: 'e2e' } });
    expect(byTag.body.data.map((a: { id: string }) => a.id)).toEqual([agent.id]);
    const byQ = await session.get('/v1/agents', { query: { q: other.slug } });
    expect(byQ.body.data.map((a: { id: string }) => a.id)).toEqual([other.id]);

    const renamed = await session.patch(`/v1/agents/${agent.id}`, { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed', version: 1 });

    const newDefinition = { ...body.definition, output: 'steps.normalize.output' };
    const v2 = await session.patch(`/v1/agents/${agent.slug}`, { definition: newDefinition });
    expect(v2.body.version).toBe(2);
    const versions = await session.get(`/v1/agents/${agent.id}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions.body.data[1].definition).toEqual(body.definition);
    expect(versions.body.data[0].definition).toEqual(newDefinition);

    const paused = await session.post(`/v1/agents/${agent.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    expect((await session.get('/v1/agents', { query: { status: 'paused' } })).body.data.map((a: { id: string }) => a.id)).toEqual([
      agent.id,
    ]);
    expect((await session.post(`/v1/agents/${agent.id}/resume`)).body.status).toBe('active');

    const deleted = await session.delete(`/v1/agents/${agent.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: agent.id, deleted: true });
    expect((await session.get(`/v1/agents/${agent.id}`)).status).toBe(404);
    expect((await session.get(`/v1/agents/${agent.id}/versions`)).status).toBe(404);
  });

  it('publishes agentry.agents.created with the agent state and the HTTP request id in its headers', async () => {
    const requestId = `trace-${Date.now()}`;
    const nc = await connect({ servers: stack.natsUrl });
    try {
      const jsm = await jetstreamManager(nc);
      const before = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
      const created = await session.post('/v1/agents', agentFactory(), { headers: { 'x-request-id': requestId } });
      expect(created.status).toBe(201);
      let found: { envelope: EventEnvelope<Record<string, unknown>>; header?: string } | undefined;
      // Other suites share the stream and create agents too: read what arrived since the request, not the last one.
      let checked = before;
      for (let i = 0; i < 100 && !found; i++) {
        const last = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
        for (let seq = checked + 1; seq <= last && !found; seq++) {
          const msg = await jsm.streams.getMessage(EVENTS_STREAM, { seq }).catch(() => null);
          if (!msg || msg.subject !== AgentsEvents.created) continue;
          const envelope = msg.json<EventEnvelope<Record<string, unknown>>>();
          if (envelope.data.agent_id === created.body.id) found = { envelope, header: msg.header.get('x-request-id') };
        }
        checked = last;
        if (!found) await new Promise((r) => setTimeout(r, 50));
      }
      expect(found).toBeDefined();
      expect(found!.header).toBe(requestId);
      expect(found!.envelope).toMatchObject({
        id: expect.stringMatching(/^evt_/),
        type: 'agents.created',
        version: 1,
        workspace_id: session.workspace.id,
        data: { agent_id: created.body.id, slug: created.body.slug, status: 'active', version: 1, definition: created.body.definition },
      });
    } finally {
      await nc.close();
    }
  });

  it('pages through a list with cursors, newest first, without repeats', async () => {
    const s = await TestSession.create(stack);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await s.post('/v1/agents', agentFactory())).body.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.get('/v1/agents', { query: { limit: 2, cursor } });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((a: { id: string }) => a.id));
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('lists templates and creates a working agent from each', async () => {
    const templates = await session.get('/v1/agent-templates');
    expect(templates.status).toBe(200);
    expect(templates.body.data.length).toBeGreaterThanOrEqual(6);
    for (const id of ['lead-qualification', 'email-triage', 'webhook-to-slack-relay', 'daily-digest', 'approval-gated-outreach']) {
      expect(templates.body.data.map((t: { id: string }) => t.id)).toContain(id);
    }
    for (const t of templates.body.data) {
      const used = await session.post(`/v1/agent-templates/${t.id}/use`, {});
      expect({ template: t.id, status: used.status }).toEqual({ template: t.id, status: 201 });
      expect(used.body.definition).toEqual(t.definition);
    }
    expect((await session.post('/v1/agent-templates/no-such-template/use', {})).status).toBe(404);
  });

  describe('bad input', () => {
    it('answers 400 with the step and field of every definition problem, and creates nothing', async () => {
      const res = await session.post(
        '/v1/agents',
        agentFactory({
          slug: 'broken-definition',
          definition: {
            input_schema: { type: 'object', properties: { a: { type: 'no-such-type' } } },
            steps: [
              { id: 'a', type: 'transform', with: { expression: '$$$ (' } },
              { id: 'a', type: 'transform', with: { expression: 'input' } },
              { id: 'c', type: 'http', with: { url: 'https://example.com/{{ input.( }}' } },
            ],
            output: 'steps.(',
          },
        }),
      );
      expect(res.status).toBe(400);
      const fields: string[] = res.body.error.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^definition\.input_schema/),
          expect.stringMatching(/^definition\.steps\[0\]\.with\.expression/),
          expect.stringMatching(/^definition\.steps\[1\]\.id/),
          expect.stringMatching(/^definition\.steps\[2\]\.with/),
          expect.stringMatching(/^definition\.output/),
        ]),
      );
      expect((await session.get('/v1/agents/broken-definition')).status).toBe(404);
    });

    it.each([
      ['wrong types', { name: 42, definition: { steps: 'none' } }, ['name', 'definition.steps']],
      ['missing fields', {}, ['name', 'definition']],
      ['unknown fields', { ...agentFactory(), colour: 'blue' }, ['colour']],
      [
        'an unknown step type',
        agentFactory({ definition: { steps: [{ id: 'a', type: 'teleport', with: {} }] } as never }),
        ['definition.steps.0.type'],
      ],
      ['a bad slug', agentFactory({ slug: 'Not A Slug' }), ['slug']],
    ])('answers 400 for %s', async (_what, body, fields) => {
      const res = await session.post('/v1/agents', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_INPUT');
      const got: string[] = res.body.error.details.map((d: { field: string }) => d.field);
      for (const f of fields) expect(got).toContain(f);
    });

    it('answers 409 when the slug is taken, on create and on update', async () => {
      const a = (await session.post('/v1/agents', agentFactory())).body;
      const b = (await session.post('/v1/agents', agentFactory())).body;
      const dup = await session.post('/v1/agents', agentFactory({ slug: a.slug }));
      expect(dup.status).toBe(409);
      expect(dup.body.error.details).toEqual([{ field: 'slug', reason: expect.any(String) }]);
      expect((await session.patch(`/v1/agents/${b.id}`, { slug: a.slug })).status).toBe(409);
    });

    it('answers 404 for unknown ids and for another workspace’s agent, never leaking it', async () => {
      const mine = (await session.post('/v1/agents', agentFactory())).body;
      const other = await TestSession.create(stack);
      for (const [method, path, body] of [
        ['get', `/v1/agents/${mine.id}`, undefined],
        ['get', `/v1/agents/${mine.slug}`, undefined],
        ['patch', `/v1/agents/${mine.id}`, { name: 'stolen' }],
        ['delete', `/v1/agents/${mine.id}`, undefined],
        ['post', `/v1/agents/${mine.id}/pause`, undefined],
        ['get', `/v1/agents/${mine.id}/versions`, undefined],
      ] as const) {
        const res = await other.client.request(method.toUpperCase(), path, body);
        expect({ method, path, status: res.status, code: res.body.error?.code }).toEqual({ method, path, status: 404, code: 'NOT_FOUND' });
      }
      expect((await other.get('/v1/agents')).body.data).toEqual([]);
      expect((await session.get(`/v1/agents/${mine.id}`)).body.name).toBe(mine.name);
      expect((await session.get('/v1/agents/agt_01ZZZZZZZZZZZZZZZZZZZZZZZZ')).status).toBe(404);
      expect((await session.get(`/v1/agents/${'x'.repeat(300)}`)).status).toBe(404);
    });

    it('answers 403 naming the scope a key lacks', async () => {
      const reader = await session.keyWith(['agents:read']);
      const res = await reader.post('/v1/agents', agentFactory());
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect(res.body.error.message).toContain('agents:write');
      expect((await reader.get('/v1/agents')).status).toBe(200);
      const none = await session.keyWith(['webhooks:read']);
      expect((await none.get('/v1/agents')).status).toBe(403);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for the same key and body, and creates one agent', async () => {
      const s = await TestSession.create(stack);
      const body = agentFactory();
      const headers = { 'idempotency-key': 'create-once-1' };
      const first = await s.post('/v1/agents', body, { headers });
      const second = await s.post('/v1/agents', body, { headers });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body).toEqual(first.body);
      expect((await s.get('/v1/agents')).body.data).toHaveLength(1);
    });

    it('answers 409 for the same key with another body, and the key is per workspace', async () => {
      const s = await TestSession.create(stack);
      const headers = { 'idempotency-key': 'shared-key' };
      expect((await s.post('/v1/agents', agentFactory(), { headers })).status).toBe(201);
      const reused = await s.post('/v1/agents', agentFactory(), { headers });
      expect(reused.status).toBe(409);
      expect(reused.body.error.details[0].field).toBe('Idempotency-Key');
      const other = await TestSession.create(stack);
      expect((await other.post('/v1/agents', agentFactory(), { headers })).status).toBe(201);
    });

    it('does not keep a failed first attempt, so a corrected retry with the same key succeeds', async () => {
      const s = await TestSession.create(stack);
      const headers = { 'idempotency-key': 'fix-and-retry' };
      const body = agentFactory();
      expect((await s.post('/v1/agents', { ...body, name: '' }, { headers })).status).toBe(400);
      expect((await s.post('/v1/agents', body, { headers })).status).toBe(201);
    });
  });
});
