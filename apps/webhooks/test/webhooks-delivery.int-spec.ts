import { ConnectionsEvents, ExecutionsEvents, SchedulesEvents } from '@agentry/contracts';
import { startStack, TestSession, TestStack } from '@agentry/testing';
import { EventPublisher, eventually, executionData } from './support/events';
import { FakeReceiver, Reply } from './support/fake-receiver';
import { seedSnippetAccepts, verifySignature, verifyStandard } from './support/verify';

jest.setTimeout(120_000);

describe('webhook delivery (real gateway, webhooks service, PostgreSQL, NATS)', () => {
  let stack: TestStack;
  let events: EventPublisher;
  const receivers: FakeReceiver[] = [];
  const receiver = async (...args: Parameters<typeof FakeReceiver.start>) => {
    const r = await FakeReceiver.start(...args);
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    stack = await startStack({
      services: ['gateway', 'webhooks'],
      label: 'webhooks',
      env: {
        AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true',
        WEBHOOKS_RETRY_SCHEDULE: '0,300ms,600ms,900ms',
        WEBHOOKS_TIMEOUT_MS: '5000',
        WEBHOOKS_BREAKER_THRESHOLD: '3',
        WEBHOOKS_BREAKER_RESET_MS: '1000',
        WEBHOOKS_DISABLE_AFTER_MS: '3000',
        WEBHOOKS_POLL_INTERVAL_MS: '100',
        WEBHOOKS_SECRET_OVERLAP_MS: '600000',
      },
    });
    events = await EventPublisher.connect(stack.natsUrl);
  });

  afterAll(async () => {
    await events?.close();
    await Promise.all(receivers.map((r) => r.stop()));
    await stack?.stop();
  });

  it('signs every delivery with both schemes, verified by standardwebhooks and the seed docs snippet', async () => {
    const session = await TestSession.create(stack);
    const rx = await receiver();
    const created = await session.post('/v1/webhook-endpoints', { url: rx.url(), event_types: ['agent.execution.success'] });
    expect(created.status).toBe(201);
    const { secret } = created.body;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    const data = executionData();
    await events.publish(ExecutionsEvents.succeeded, events.envelope(ExecutionsEvents.succeeded, session.workspace.id, data));
    const [req] = await eventually(
      () => rx.requests,
      (r) => r.length >= 1,
      'the delivery',
    );

    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toMatch(/^Agentry-Webhooks\/\d+\.\d+\.\d+/);
    expect(req.headers['x-agentry-event']).toBe('agent.execution.success');
    expect(req.headers['webhook-id']).toMatch(/^msg_/);
    expect(verifyStandard(secret, req)).toMatchObject({ event: 'agent.execution.success', execution_id: data.execution_id });
    expect(verifySignature(req.raw, req.headers['x-agentry-signature'], secret)).toBe(true);
    expect(seedSnippetAccepts(req.raw, req.headers['x-agentry-signature'], secret)).toBe(true);
    expect(req.body).toEqual({
      event: 'agent.execution.success',
      id: req.headers['webhook-id'],
      workspace_id: session.workspace.id,
      status: 'succeeded',
      execution_id: data.execution_id,
      agent_id: data.agent_id,
      trigger_type: 'api',
      summary: 'Done',
      output: { ok: true },
      tokens_used: 42,
      duration_ms: 1234,
      timestamp: expect.any(String),
    });
  });

  const succeeded = (session: TestSession, overrides = {}) => {
    const data = executionData(overrides);
    return { data, envelope: events.envelope(ExecutionsEvents.succeeded, session.workspace.id, data) };
  };
  const endpoint = async (session: TestSession, body: Record<string, unknown>) => {
    const res = await session.post('/v1/webhook-endpoints', body);
    if (res.status !== 201) throw new Error(`create endpoint: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; secret: string };
  };
  const deliveriesOf = async (session: TestSession, endpointId: string, status?: string) =>
    (await session.get(`/v1/webhook-endpoints/${endpointId}/deliveries`, { query: { status } })).body.data as any[];

  it('keeps signing with the old secret beside the new one after a rotation', async () => {
    const session = await TestSession.create(stack);
    const rx = await receiver();
    const ep = await endpoint(session, { url: rx.url(), event_types: ['*'] });
    const rotated = await session.post(`/v1/webhook-endpoints/${ep.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.previous_secret).toBe(ep.secret);
    expect(rotated.body.secret).not.toBe(ep.secret);
    expect(Date.parse(rotated.body.previous_secret_expires_at)).toBeGreaterThan(Date.now());
    expect((await session.get(`/v1/webhook-endpoints/${ep.id}/secret`)).body).toEqual(rotated.body);

    await events.publish(ExecutionsEvents.succeeded, succeeded(session).envelope);
    const [req] = await eventually(
      () => rx.requests,
      (r) => r.length >= 1,
      'the delivery',
    );
    expect(req.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => verifyStandard(rotated.body.secret, req)).not.toThrow();
    expect(() => verifyStandard(ep.secret, req)).not.toThrow();
    expect(verifySignature(req.raw, req.headers['x-agentry-signature'], rotated.body.secret)).toBe(true);
    expect(verifySignature(req.raw, req.headers['x-agentry-signature-previous'], ep.secret)).toBe(true);
    expect(() => verifyStandard(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, req)).toThrow();
  });

  it('fans out by event type and agent, skips disabled endpoints, and signs run callbacks with the callback secret', async () => {
    const session = await TestSession.create(stack);
    const [all, onlyFailed, onlyAgent, disabled, callback] = await Promise.all([
      receiver(),
      receiver(),
      receiver(),
      receiver(),
      receiver(),
    ]);
    const agentId = 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G';
    await endpoint(session, { url: all.url(), event_types: ['*'] });
    await endpoint(session, { url: onlyFailed.url(), event_types: ['agent.execution.failed'] });
    await endpoint(session, { url: onlyAgent.url(), event_types: ['agent.execution.success'], agent_ids: [agentId] });
    const off = await endpoint(session, { url: disabled.url(), event_types: ['*'] });
    expect(
      (await session.patch(`/v1/webhook-endpoints/${off.id}`, { status: 'disabled', disabled_reason: 'maintenance' })).body,
    ).toMatchObject({
      status: 'disabled',
      disabled_reason: 'maintenance',
    });
    const cbSecret = (await session.get('/v1/webhook-callback-secret')).body.secret;

    await events.publish(ExecutionsEvents.succeeded, succeeded(session, { agent_id: agentId, callback_url: callback.url('/cb') }).envelope);
    const failed = events.envelope(
      ExecutionsEvents.failed,
      session.workspace.id,
      executionData({ status: 'failed', output: undefined, error: { code: 'STEP_FAILED', message: 'boom' } }),
    );
    await events.publish(ExecutionsEvents.failed, failed);
    await events.publish(
      SchedulesEvents.fired,
      events.envelope(SchedulesEvents.fired, session.workspace.id, {
        schedule_id: 'sch_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
        fire_id: 'run_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
        agent_id: agentId,
        due_at: new Date().toISOString(),
        trigger: 'schedule',
        state: 'pending',
      }),
    );
    await events.publish(
      ConnectionsEvents.disconnected,
      events.envelope(ConnectionsEvents.disconnected, session.workspace.id, {
        connection_id: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
        platform: 'slack',
        name: 'Slack',
        status: 'expired',
        previous_status: 'active',
        error_message: 'token_expired',
        tested_at: new Date().toISOString(),
      }),
    );

    await eventually(
      () => all.requests.length,
      (n) => n >= 5,
      'five events at the catch-all endpoint',
    );
    await eventually(
      () => callback.requests.length,
      (n) => n >= 1,
      'the run callback',
    );
    await eventually(
      () => onlyFailed.requests.length + onlyAgent.requests.length,
      (n) => n >= 2,
      'the filtered endpoints',
    );
    expect(all.requests.map((r) => r.body.event).sort()).toEqual(
      [
        'agent.execution.failed',
        'agent.execution.success',
        'integration.disconnected',
        'schedule.fired',
        'webhook.endpoint.disabled',
      ].sort(),
    );
    const note = all.requests.find((r) => r.body.event === 'webhook.endpoint.disabled')!;
    expect(note.body).toMatchObject({ endpoint_id: off.id, cause: 'manual', reason: 'maintenance' });
    expect(onlyFailed.requests.map((r) => r.body.event)).toEqual(['agent.execution.failed']);
    expect(onlyFailed.requests[0].body.error).toEqual({ code: 'STEP_FAILED', message: 'boom' });
    expect(onlyAgent.requests.map((r) => r.body.event)).toEqual(['agent.execution.success']);
    expect(disabled.requests).toHaveLength(0);
    const cb = callback.requests[0];
    expect(cb.path).toBe('/cb');
    expect(cb.body).toMatchObject({ event: 'agent.execution.success', agent_id: agentId });
    expect(() => verifyStandard(cbSecret, cb)).not.toThrow();
    expect(verifySignature(cb.raw, cb.headers['x-agentry-signature'], cbSecret)).toBe(true);
    const sched = all.requests.find((r) => r.body.event === 'schedule.fired')!;
    expect(sched.body).toMatchObject({ status: 'fired', schedule_id: 'sch_01JD5Z4Q9X7N3B2V1C0M8K6H4G', agent_id: agentId });
    const disc = all.requests.find((r) => r.body.event === 'integration.disconnected')!;
    expect(disc.body).toMatchObject({ status: 'expired', connection_id: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4G', platform: 'slack' });
  });

  it('retries on the compressed schedule with the same webhook-id and a fresh signature over the exact bytes each time', async () => {
    const session = await TestSession.create(stack);
    const rx = await receiver((_req, i) => (i < 2 ? { status: 500, body: `nope ${i}` } : { status: 200, body: 'finally' }));
    const ep = await endpoint(session, { url: rx.url(), event_types: ['*'] });
    await events.publish(ExecutionsEvents.succeeded, succeeded(session).envelope);
    await eventually(
      () => rx.requests.length,
      (n) => n >= 3,
      'three attempts',
    );
    const ids = new Set(rx.requests.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    // signed at each attempt: the timestamp is the attempt's own second
    for (const r of rx.requests) expect(Math.abs(Number(r.headers['webhook-timestamp']) - Math.floor(r.at / 1000))).toBeLessThanOrEqual(1);
    for (const r of rx.requests) expect(() => verifyStandard(ep.secret, r)).not.toThrow();
    expect(rx.requests.map((r) => r.headers['x-agentry-attempt'])).toEqual(['1', '2', '3']);
    expect(rx.requests[0].raw.equals(rx.requests[2].raw)).toBe(true);

    const [delivery] = await eventually(
      () => deliveriesOf(session, ep.id),
      (d) => d[0]?.status === 'succeeded',
      'the delivery to succeed',
    );
    const detail = (await session.get(`/v1/deliveries/${delivery.id}`)).body;
    expect(detail.attempts.map((a: any) => [a.attempt, a.status_code, a.outcome, a.response_excerpt])).toEqual([
      [1, 500, 'failed', 'nope 0'],
      [2, 500, 'failed', 'nope 1'],
      [3, 200, 'succeeded', 'finally'],
    ]);
    expect(detail.attempts[0].error).toMatch(/500/);
    expect(detail.attempt_count).toBe(3);
    expect(detail.payload.id).toBe(delivery.message_id);
    expect((await session.get(`/v1/webhook-endpoints/${ep.id}`)).body.failing_since).toBeNull();
  });

  it('honours Retry-After on 429 and does not follow redirects', async () => {
    const session = await TestSession.create(stack);
    const target = await receiver();
    let slowSeen = 0;
    const rx = await receiver((req): Reply =>
      req.path === '/slow'
        ? slowSeen++ === 0
          ? { status: 429, headers: { 'retry-after': '2' } }
          : { status: 200 }
        : { status: 302, headers: { location: target.url() } },
    );
    await endpoint(session, { url: rx.url('/slow'), event_types: ['agent.execution.success'] });
    const redirecting = await endpoint(session, { url: rx.url('/moved'), event_types: ['agent.execution.failed'] });
    await events.publish(ExecutionsEvents.succeeded, succeeded(session).envelope);
    await events.publish(
      ExecutionsEvents.failed,
      events.envelope(ExecutionsEvents.failed, session.workspace.id, executionData({ status: 'failed' })),
    );
    const slow = await eventually(
      () => rx.requests.filter((r) => r.path === '/slow'),
      (r) => r.length >= 2,
      'the retry after Retry-After',
    );
    expect(slow[1].at - slow[0].at).toBeGreaterThanOrEqual(1900);
    const [d] = await eventually(
      () => deliveriesOf(session, redirecting.id),
      (d) => d[0]?.status === 'failed',
      'the redirected delivery to fail',
    );
    expect(d.attempt_count).toBe(4);
    expect(d.last_status_code).toBe(302);
    expect(d.last_error).toMatch(/Redirect \(302\) not followed/);
    expect(target.requests).toHaveLength(0);
  });

  it("disables an endpoint that answers 410 Gone and tells the workspace's other endpoints", async () => {
    const session = await TestSession.create(stack);
    const gone = await receiver(() => ({ status: 410 }));
    const watcher = await receiver();
    const ep = await endpoint(session, { url: gone.url(), event_types: ['agent.execution.success'] });
    await endpoint(session, { url: watcher.url(), event_types: ['webhook.endpoint.disabled'] });
    await events.publish(ExecutionsEvents.succeeded, succeeded(session).envelope);
    const disabled = await eventually(
      async () => (await session.get(`/v1/webhook-endpoints/${ep.id}`)).body,
      (e) => e.status === 'disabled',
      'the endpoint to be disabled',
    );
    expect(disabled.disabled_reason).toMatch(/410 Gone/);
    expect(gone.requests).toHaveLength(1);
    const [note] = await eventually(
      () => watcher.requests,
      (r) => r.length >= 1,
      'webhook.endpoint.disabled',
    );
    expect(note.body).toMatchObject({ event: 'webhook.endpoint.disabled', endpoint_id: ep.id, cause: 'gone', status: 'disabled' });
    const [d] = await deliveriesOf(session, ep.id);
    expect(d).toMatchObject({ status: 'failed', attempt_count: 1, last_status_code: 410 });
  });

  it('disables an endpoint failing for longer than the configured period (compressed to 3 s)', async () => {
    const session = await TestSession.create(stack);
    const dead = await receiver(() => ({ status: 503 }));
    const watcher = await receiver();
    const ep = await endpoint(session, { url: dead.url(), event_types: ['agent.execution.success'] });
    await endpoint(session, { url: watcher.url(), event_types: ['webhook.endpoint.disabled'] });
    const until = Date.now() + 20_000;
    let state: any;
    while (Date.now() < until) {
      await events.publish(ExecutionsEvents.succeeded, succeeded(session).envelope);
      await new Promise((r) => setTimeout(r, 400));
      state = (await session.get(`/v1/webhook-endpoints/${ep.id}`)).body;
      if (state.status === 'disabled') break;
    }
    expect(state.status).toBe('disabled');
    expect(state.disabled_reason).toMatch(/failed since/);
    expect(Date.parse(state.disabled_at) - Date.parse(state.failing_since)).toBeGreaterThanOrEqual(3000);
    const [note] = await eventually(
      () => watcher.requests,
      (r) => r.length >= 1,
      'webhook.endpoint.disabled',
    );
    expect(note.body).toMatchObject({ endpoint_id: ep.id, cause: 'failing' });
    // pending deliveries fail with it (one in flight at that moment fails when its attempt ends)
    await eventually(
      () => deliveriesOf(session, ep.id, 'pending'),
      (d) => d.length === 0,
      'no pending deliveries left',
    );
  });

  it('drops an event whose data breaks its contract, and goes on with the next', async () => {
    const session = await TestSession.create(stack);
    const rx = await receiver();
    await endpoint(session, { url: rx.url(), event_types: ['*'] });
    const broken = events.envelope(ExecutionsEvents.succeeded, session.workspace.id, { agent_id: 42, status: 'exploded' });
    await events.publish(ExecutionsEvents.succeeded, broken);
    const marker = succeeded(session);
    await events.publish(ExecutionsEvents.succeeded, marker.envelope);
    await eventually(
      () => rx.requests,
      (r) => r.length >= 1,
      'the valid event',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.requests.map((r) => r.body.execution_id)).toEqual([marker.data.execution_id]);
  });

  it('makes one message of an event that reaches the stream twice', async () => {
    const session = await TestSession.create(stack);
    const rx = await receiver();
    const ep = await endpoint(session, { url: rx.url(), event_types: ['*'] });
    const { envelope } = succeeded(session);
    await events.publish(ExecutionsEvents.succeeded, envelope, false);
    await events.publish(ExecutionsEvents.succeeded, envelope, false);
    const marker = succeeded(session);
    await events.publish(ExecutionsEvents.succeeded, marker.envelope);
    await eventually(
      () => rx.requests.filter((r) => r.body.execution_id === marker.data.execution_id),
      (r) => r.length === 1,
      'the marker event',
    );
    expect(rx.requests.filter((r) => r.body.execution_id === envelope.data.execution_id)).toHaveLength(1);
    expect(await deliveriesOf(session, ep.id)).toHaveLength(2);
  });

  it('replays: retries one delivery and recovers every failed one since a time', async () => {
    const session = await TestSession.create(stack);
    let healthy = false;
    const rx = await receiver(() => (healthy ? { status: 200 } : { status: 400, body: 'bad' }));
    const ep = await endpoint(session, { url: rx.url(), event_types: ['*'] });
    const since = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 3; i++) await events.publish(ExecutionsEvents.succeeded, succeeded(session).envelope);
    const failed = await eventually(
      () => deliveriesOf(session, ep.id, 'failed'),
      (d) => d.length === 3,
      'three failed deliveries',
    );
    expect(failed.every((d) => d.attempt_count === 4)).toBe(true);

    healthy = true;
    const retried = await session.post(`/v1/deliveries/${failed[0].id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: failed[0].id, status: 'pending' });
    await eventually(
      async () => (await session.get(`/v1/deliveries/${failed[0].id}`)).body,
      (d) => d.status === 'succeeded',
      'the retried delivery',
    );
    const detail = (await session.get(`/v1/deliveries/${failed[0].id}`)).body;
    expect(detail.attempts).toHaveLength(5);
    expect(new Set(rx.byMessage(failed[0].message_id).map((r) => r.headers['webhook-id']))).toEqual(new Set([failed[0].message_id]));

    const recovered = await session.post(`/v1/webhook-endpoints/${ep.id}/recover`, { since });
    expect(recovered.body).toEqual({ endpoint_id: ep.id, recovered: 2 });
    await eventually(
      () => deliveriesOf(session, ep.id, 'succeeded'),
      (d) => d.length === 3,
      'all three delivered',
    );
    expect((await session.post(`/v1/webhook-endpoints/${ep.id}/recover`, { since })).body.recovered).toBe(0);
  });

  it('sends a test event to one endpoint, and refuses a payload over 256 KiB at the producer', async () => {
    const session = await TestSession.create(stack);
    const rx = await receiver();
    const other = await receiver();
    const ep = await endpoint(session, { url: rx.url(), event_types: ['agent.execution.failed'] });
    await endpoint(session, { url: other.url(), event_types: ['*'] });
    const sent = await session.post(`/v1/webhook-endpoints/${ep.id}/test`, {
      event_type: 'schedule.fired',
      data: { note: 'hi', id: 'spoof' },
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ endpoint_id: ep.id, event_type: 'schedule.fired', status: 'pending' });
    const [req] = await eventually(
      () => rx.requests,
      (r) => r.length >= 1,
      'the test delivery',
    );
    expect(req.body).toMatchObject({
      event: 'schedule.fired',
      test: true,
      note: 'hi',
      id: sent.body.message_id,
      workspace_id: session.workspace.id,
    });
    expect(() => verifyStandard(ep.secret, req)).not.toThrow();
    expect(other.requests).toHaveLength(0);

    const big = await session.post(`/v1/webhook-endpoints/${ep.id}/test`, { data: { blob: 'x'.repeat(300 * 1024) } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(big.body.error.message).toMatch(/262144 bytes/);
  });

  it('leaves a too-large run output out of the payload and says where to read it', async () => {
    const session = await TestSession.create(stack);
    const rx = await receiver();
    await endpoint(session, { url: rx.url(), event_types: ['*'] });
    const { data, envelope } = succeeded(session, { output: { blob: 'y'.repeat(300 * 1024) } });
    await events.publish(ExecutionsEvents.succeeded, envelope);
    const [req] = await eventually(
      () => rx.requests,
      (r) => r.length >= 1,
      'the delivery',
    );
    expect(req.raw.length).toBeLessThanOrEqual(256 * 1024);
    expect(req.body).toMatchObject({ output: null, execution_id: data.execution_id });
    expect(req.body.output_omitted).toContain(`/v1/executions/${data.execution_id}`);
  });
});
