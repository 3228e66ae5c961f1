import { agentFactory, agentInputFactory, ApiClient, sharedStack, StackInfo, TestSession, waitFor } from '@agentry/testing';

const SCH = /^sch_[0-9A-HJKMNP-TV-Z]{26}$/;

describe('schedules (HTTP, real services)', () => {
  let stack: StackInfo;
  let session: TestSession;
  let agentId: string;

  beforeAll(async () => {
    stack = sharedStack();
    session = await TestSession.create(stack);
    agentId = (await session.post('/v1/agents', agentFactory())).body.id;
  });

  const create = (body: Record<string, unknown>, client: ApiClient | TestSession = session) =>
    client.post('/v1/schedules', { agent_id: agentId, ...body });

  it('creates, reads, lists, edits, pauses with a note, resumes, previews and deletes a schedule', async () => {
    const created = await create({ cron: '0 6 * * 1-5', timezone: 'Asia/Kolkata', input: { email: 'a@example.com', employees: 3 } });
    expect(created.status).toBe(201);
    const s = created.body;
    expect(s).toMatchObject({
      id: expect.stringMatching(SCH),
      agent_id: agentId,
      cron: '0 6 * * 1-5',
      interval_seconds: null,
      timezone: 'Asia/Kolkata',
      enabled: true,
      overlap_policy: 'skip',
      catchup: 'latest',
      total_runs: 0,
      last_status: null,
      last_execution_id: null,
      paused_note: null,
    });
    expect(s.next_run_at).toMatch(/T00:30:00\.000Z$/); // 06:00 IST

    expect((await session.get(`/v1/schedules/${s.id}`)).body).toEqual(s);
    const other = (await create({ interval_seconds: 90 })).body;
    const list = await session.get('/v1/schedules', { query: { agent_id: agentId, limit: 100 } });
    expect(list.status).toBe(200);
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([s.id, other.id]));
    expect((await session.get('/v1/schedules', { query: { agent_id: 'agt_00000000000000000000000000' } })).body.data).toEqual([]);

    const switched = await session.patch(`/v1/schedules/${s.id}`, { interval_seconds: 3600, overlap_policy: 'queue' });
    expect(switched.status).toBe(200);
    expect(switched.body).toMatchObject({ cron: null, interval_seconds: 3600, overlap_policy: 'queue' });

    const paused = await session.post(`/v1/schedules/${s.id}/pause`, { note: 'migration week' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ enabled: false, paused_note: 'migration week', next_run_at: null });
    expect(
      (await session.get('/v1/schedules', { query: { enabled: 'false', agent_id: agentId } })).body.data.map((x: { id: string }) => x.id),
    ).toEqual([s.id]);
    const resumed = await session.post(`/v1/schedules/${s.id}/resume`);
    expect(resumed.body).toMatchObject({ enabled: true, paused_note: null, paused_at: null });
    expect(Date.parse(resumed.body.next_run_at)).toBeGreaterThan(Date.now());

    const preview = await session.get(`/v1/schedules/${s.id}/preview`, { query: { count: 3 } });
    expect(preview.status).toBe(200);
    expect(preview.body.data).toHaveLength(3);
    expect(Date.parse(preview.body.data[1].at) - Date.parse(preview.body.data[0].at)).toBe(3_600_000);

    expect((await session.delete(`/v1/schedules/${s.id}`)).body).toEqual({ id: s.id, deleted: true });
    expect((await session.get(`/v1/schedules/${s.id}`)).status).toBe(404);
  });

  it.each([
    [
      'America/New_York',
      '30 2 * * *',
      '2026-03-07T00:00:00Z',
      ['2026-03-07T02:30:00-05:00', '2026-03-08T03:30:00-04:00', '2026-03-09T02:30:00-04:00'],
    ],
    [
      'America/New_York',
      '30 1 * * *',
      '2026-10-31T00:00:00Z',
      ['2026-10-31T01:30:00-04:00', '2026-11-01T01:30:00-04:00', '2026-11-02T01:30:00-05:00'],
    ],
    [
      'Europe/London',
      '30 1 * * *',
      '2026-03-28T00:00:00Z',
      ['2026-03-28T01:30:00+00:00', '2026-03-29T02:30:00+01:00', '2026-03-30T01:30:00+01:00'],
    ],
    [
      'Europe/London',
      '30 1 * * *',
      '2026-10-24T00:00:00Z',
      ['2026-10-24T01:30:00+01:00', '2026-10-25T01:30:00+01:00', '2026-10-26T01:30:00+00:00'],
    ],
    [
      'Asia/Kolkata',
      '0 6 * * *',
      '2026-03-07T00:00:00Z',
      ['2026-03-07T06:00:00+05:30', '2026-03-08T06:00:00+05:30', '2026-03-09T06:00:00+05:30'],
    ],
  ])('previews DST in %s (%s): once per day, shifted in a gap, first occurrence in a repeat', async (timezone, cron, from, local) => {
    const s = (await create({ cron, timezone, enabled: false })).body;
    const preview = await session.get(`/v1/schedules/${s.id}/preview`, { query: { count: 3, from } });
    expect(preview.body).toMatchObject({ schedule_id: s.id, timezone });
    expect(preview.body.data.map((p: { local: string }) => p.local)).toEqual(local);
    for (const p of preview.body.data) expect(Date.parse(p.at)).toBe(Date.parse(p.local));
  });

  it('fires into real runs: each fire starts an execution with trigger schedule, and last_status follows it', async () => {
    const s = (await create({ cron: '* * * * * *', overlap_policy: 'allow', input: agentInputFactory() })).body;
    let started: { execution_id: string } | undefined;
    await waitFor(
      async () => {
        const fires = (await session.get(`/v1/schedules/${s.id}/fires`)).body.data as { state: string; execution_id: string }[];
        started = fires.find((f) => f.state === 'started');
        return !!started;
      },
      30_000,
      200,
    );
    await session.post(`/v1/schedules/${s.id}/pause`);
    expect(started).toBeDefined();
    const exe = await session.get(`/v1/executions/${started!.execution_id}`);
    expect(exe.status).toBe(200);
    expect(exe.body).toMatchObject({ trigger_type: 'schedule', trigger_id: s.id, metadata: { schedule_id: s.id } });
    const done = await waitFor(
      async () => {
        const view = (await session.get(`/v1/schedules/${s.id}`)).body;
        return view.total_runs >= 1 && view.last_status === 'succeeded';
      },
      30_000,
      200,
    );
    expect(done).toBe(true);

    const ran = await session.post(`/v1/schedules/${s.id}/run`, {}, { headers: { 'Idempotency-Key': `run-${s.id}` } });
    expect(ran.status).toBe(202);
    expect(ran.body).toMatchObject({ trigger: 'manual', state: 'started', execution_id: expect.stringMatching(/^exe_/) });
    const replay = await session.post(`/v1/schedules/${s.id}/run`, {}, { headers: { 'Idempotency-Key': `run-${s.id}` } });
    expect(replay.body.id).toBe(ran.body.id);
  }, 60_000);

  describe('bad input', () => {
    let other: TestSession;
    let foreign: string;
    let mine: string;

    beforeAll(async () => {
      other = await TestSession.create(stack);
      const otherAgent = (await other.post('/v1/agents', agentFactory())).body.id;
      foreign = (await other.post('/v1/schedules', { agent_id: otherAgent, interval_seconds: 60, enabled: false })).body.id;
      mine = (await create({ interval_seconds: 60, enabled: false })).body.id;
    });

    const fieldsOf = (res: { status: number; body: { error: { code: string; details?: { field: string }[] } } }) => {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_INPUT');
      return (res.body.error.details ?? []).map((d) => d.field);
    };

    it.each([
      [
        'wrong types',
        { agent_id: 5, cron: 7, enabled: 'yes', input: 'x', overlap_policy: 'sometimes', catchup: 3 },
        ['agent_id', 'cron', 'enabled', 'input', 'overlap_policy', 'catchup'],
      ],
      ['an unknown field', { interval_seconds: 60, colour: 'blue' }, ['colour']],
      ['an invalid cron', { cron: '0 25 * * *' }, ['cron']],
      ['a 7-field cron', { cron: '0 0 0 1 1 * 2030' }, ['cron']],
      ['an unknown zone', { cron: '0 6 * * *', timezone: 'Mars/Olympus' }, ['timezone']],
      ['an interval under 1 s', { interval_seconds: 0 }, ['interval_seconds']],
      ['a fractional interval', { interval_seconds: 0.5 }, ['interval_seconds']],
      ['both cron and interval', { cron: '* * * * *', interval_seconds: 60 }, ['interval_seconds']],
      ['neither cron nor interval', {}, ['cron']],
      ['a catch-up window under a minute', { interval_seconds: 60, catchup_window_seconds: 10 }, ['catchup_window_seconds']],
    ])('POST /v1/schedules with %s → 400 with the field', async (_what, body, fields) => {
      expect(fieldsOf(await create(body))).toEqual(expect.arrayContaining(fields));
    });

    it('POST /v1/schedules for another workspace’s agent or no agent → 404', async () => {
      const otherAgent = (await other.post('/v1/agents', agentFactory())).body.id;
      expect((await create({ agent_id: otherAgent, interval_seconds: 60 })).status).toBe(404);
      expect((await create({ agent_id: 'agt_00000000000000000000000000', interval_seconds: 60 })).status).toBe(404);
    });

    it.each([
      ['limit 0', { limit: 0 }, 'limit'],
      ['limit not a number', { limit: 'many' }, 'limit'],
      ['enabled not a boolean', { enabled: 'maybe' }, 'enabled'],
      ['an unknown parameter', { colour: 'blue' }, 'colour'],
      ['a cursor from nowhere', { cursor: 'nope' }, 'cursor'],
    ])('GET /v1/schedules with %s → 400', async (_what, query, field) => {
      expect(fieldsOf(await session.get('/v1/schedules', { query }))).toContain(field);
    });

    it.each([
      ['PATCH', 'agent_id', { agent_id: 'agt_00000000000000000000000000' }],
      ['PATCH', 'cron', { cron: null }],
      ['PATCH', 'cron', { cron: 'every day' }],
      ['PATCH', 'timezone', { timezone: 'Not/AZone' }],
      ['PATCH', 'interval_seconds', { interval_seconds: -5 }],
      ['POST pause', 'note', { note: 'x'.repeat(501) }],
      ['POST pause', 'colour', { colour: 'blue' }],
      ['POST run', 'input', { input: 'now' }],
      ['POST backfill', 'from', { to: '2026-01-01T00:00:00Z' }],
      ['POST backfill', 'from', { from: 'yesterday', to: '2026-01-01T00:00:00Z' }],
      ['POST backfill', 'to', { from: '2026-01-01T00:00:00Z', to: '2026-01-01T00:00:00' }],
      ['POST backfill', 'to', { from: '2026-01-01T00:00:00Z', to: '2999-01-01T00:00:00Z' }],
      ['POST backfill', 'from', { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }],
    ])('%s with a bad %s → 400 with the field', async (route, field, body) => {
      const res =
        route === 'PATCH'
          ? await session.patch(`/v1/schedules/${mine}`, body)
          : await session.post(`/v1/schedules/${mine}/${route.split(' ')[1]}`, body);
      expect(fieldsOf(res)).toContain(field);
    });

    it.each([
      ['count 0', { count: 0 }, 'count'],
      ['count 101', { count: 101 }, 'count'],
      ['count not a number', { count: 'x' }, 'count'],
      ['from not a date-time', { from: 'tomorrow' }, 'from'],
    ])('GET preview with %s → 400', async (_what, query, field) => {
      expect(fieldsOf(await session.get(`/v1/schedules/${mine}/preview`, { query }))).toContain(field);
    });

    it('GET fires with an unknown state → 400', async () => {
      expect(fieldsOf(await session.get(`/v1/schedules/${mine}/fires`, { query: { state: 'nope' } }))).toContain('state');
    });

    it.each([
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/pause'],
      ['POST', '/resume'],
      ['POST', '/run'],
      ['POST', '/backfill'],
      ['GET', '/preview'],
      ['GET', '/fires'],
    ])('%s /v1/schedules/{id}%s of another workspace, or of an id that cannot exist → 404', async (method, suffix) => {
      const body = suffix === '/backfill' ? { from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z' } : {};
      for (const id of [foreign, 'sch_00000000000000000000000000', 'not%20an%20id']) {
        const res = await session.client.request(
          method,
          `/v1/schedules/${id}${suffix}`,
          method === 'GET' || method === 'DELETE' ? undefined : body,
        );
        expect({ id, status: res.status, code: res.body?.error?.code }).toEqual({ id, status: 404, code: 'NOT_FOUND' });
      }
      expect((await other.get(`/v1/schedules/${foreign}`)).status).toBe(200);
    });

    it('needs schedules:read to read and schedules:write to change (403), and a key (401)', async () => {
      const reader = await session.keyWith(['schedules:read']);
      const stranger = await session.keyWith(['agents:read']);
      expect((await reader.get('/v1/schedules')).status).toBe(200);
      expect((await reader.get(`/v1/schedules/${mine}/preview`)).status).toBe(200);
      for (const res of [
        await reader.post('/v1/schedules', { agent_id: agentId, interval_seconds: 60 }),
        await reader.patch(`/v1/schedules/${mine}`, { interval_seconds: 30 }),
        await reader.post(`/v1/schedules/${mine}/pause`),
        await reader.post(`/v1/schedules/${mine}/run`),
        await reader.delete(`/v1/schedules/${mine}`),
        await stranger.get('/v1/schedules'),
        await stranger.get(`/v1/schedules/${mine}/fires`),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
      expect((await session.client.withKey(undefined).get('/v1/schedules')).status).toBe(401);
    });

    it('replays a create with the same Idempotency-Key and refuses it with another body (409)', async () => {
      const headers = { 'Idempotency-Key': `sched-${Date.now()}` };
      const first = await session.post('/v1/schedules', { agent_id: agentId, interval_seconds: 120 }, { headers });
      const again = await session.post('/v1/schedules', { agent_id: agentId, interval_seconds: 120 }, { headers });
      expect(first.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect((await session.post('/v1/schedules', { agent_id: agentId, interval_seconds: 240 }, { headers })).status).toBe(409);
    });
  });
});
