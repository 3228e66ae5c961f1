import { durableName, EVENT_CONSUMERS, NATS_PERMISSIONS, natsInboxPrefix, natsPasswordVariable } from '@agentry/contracts';
import {
  agentFactory,
  expectStatus,
  FakeLlm,
  HttpFake,
  sendJson,
  startFakeOpenAi,
  startHttpFake,
  startStack,
  TestSession,
  TestStack,
  waitFor,
} from '@agentry/testing';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { ServerResponse } from 'node:http';
import { FakeReceiver } from '../../apps/webhooks/test/support/fake-receiver';

jest.setTimeout(180_000);

/**
 * The whole system on a NATS that requires the users of deploy/nats/auth.conf (security review M1): every service
 * signs in as itself and does its work, and no user can reach what its service does not need, above all the
 * decrypted credentials that `connections.resolve` answers with.
 */
describe('NATS with a user per service (deploy/nats/auth.conf)', () => {
  let stack: TestStack;
  let session: TestSession;
  let model: FakeLlm;
  let crm: HttpFake;
  let receiver: FakeReceiver;
  const hanging: ServerResponse[] = [];
  const clients: NatsConnection[] = [];

  const signIn = async (user: string, password = stack.natsPasswords![user]) => {
    // as a service's own client would: replies in its own inbox
    const inboxPrefix = user === 'subscriber' ? undefined : natsInboxPrefix(user);
    const nc = await connect({ servers: stack.natsUrl, user, pass: password, reconnect: false, inboxPrefix });
    clients.push(nc);
    return nc;
  };

  beforeAll(async () => {
    const privateNetwork = { AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true' };
    [stack, model, crm, receiver] = await Promise.all([
      startStack({
        label: 'nats_auth',
        natsAuth: true,
        perServiceEnv: { executions: privateNetwork, connections: privateNetwork, webhooks: privateNetwork },
      }),
      startFakeOpenAi(),
      startHttpFake((req, res) => {
        if (req.path === '/slow') hanging.push(res);
        else sendJson(res, 200, { ok: true });
      }),
      FakeReceiver.start(),
    ]);
    session = await TestSession.create(stack);
  });

  afterAll(async () => {
    for (const res of hanging) res.destroy();
    await Promise.all(clients.map((nc) => nc.close().catch(() => undefined)));
    await Promise.all([model?.close(), crm?.close(), receiver?.stop()]);
    await stack?.stop();
  });

  it('starts every service signed in as its own user, after the provisioner created their stream, consumers and bucket', async () => {
    expect(Object.keys(stack.natsPasswords!).sort()).toEqual(Object.keys(NATS_PERMISSIONS).sort());
    const provisioner = await signIn('provisioner');
    const consumers = JSON.parse((await provisioner.request('$JS.API.CONSUMER.NAMES.AGENTRY_EVENTS', '{}', { timeout: 5_000 })).string());
    const expected = Object.values(EVENT_CONSUMERS).flatMap((c) => c.subjects.map((s) => durableName(c.name, s)));
    expect([...consumers.consumers].sort()).toEqual(expected.sort());
    expect(natsPasswordVariable('executions')).toBe('NATS_EXECUTIONS_PASSWORD');
    expect(Object.keys(stack.ports).sort()).toEqual(['agents', 'connections', 'executions', 'gateway', 'schedules', 'webhooks']);
  });

  it('runs an agent end to end: model through a stored connection, an http call, a webhook delivery', async () => {
    const endpoint = expectStatus(
      await session.post('/v1/webhook-endpoints', { url: receiver.url(), event_types: ['agent.execution.success'] }),
      201,
      'endpoint',
    );
    const connection = expectStatus(
      await session.post('/v1/connections', {
        platform: 'openai',
        name: 'local model',
        config: { base_url: `${model.url}/v1`, api_key: 'sk-local-0000000000' },
        test: true,
      }),
      201,
      'connection',
    );
    expect(connection.body.status).toBe('active');
    const agent = expectStatus(
      await session.post('/v1/agent-templates/lead-qualification/use', { llm: { connection_id: connection.body.id, model: 'llama3.1' } }),
      201,
      'use template',
    );
    model.setBrain(() => ({ text: JSON.stringify({ score: 91, tier: 'hot', reasons: ['demo'] }) }));

    // The engine learns of the agent from its event (a JetStream consumer of its own): until then a run is a 404.
    let run = { status: 0, body: {} as Record<string, unknown> };
    await waitFor(async () => {
      run = await session.post(`/v1/agents/${agent.body.id}/runs`, {
        input: { email: 'ada@example.com', message: 'a demo please', crm_webhook_url: `${crm.url}/leads` },
        wait_timeout_ms: 30_000,
      });
      return run.status !== 404;
    }, 30_000);

    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: 'succeeded', output: { tier: 'hot', score: 91, sent_to_crm: true } });
    expect(model.calls()).toHaveLength(1);
    expect(crm.requests.filter((r) => r.path === '/leads')).toHaveLength(1);
    expect(await waitFor(async () => receiver.requests.length >= 1, 60_000)).toBe(true);
    expect(receiver.requests[0].headers['webhook-id']).toBeDefined();
    expect(endpoint.body.id).toMatch(/^ep_|^whe_|^we_/);
  });

  it('cancels a run in the middle of an http call (the engine asks the replica that holds it)', async () => {
    const agent = expectStatus(
      await session.post('/v1/agents', {
        ...agentFactory(),
        definition: { steps: [{ id: 'call', type: 'http', with: { method: 'GET', url: `${crm.url}/slow`, timeout_ms: 120_000 } }] },
      }),
      201,
      'agent',
    );
    let id = '';
    await waitFor(async () => {
      const res = await session.post(`/v1/agents/${agent.body.id}/runs`, { input: {}, async: true });
      id = res.body.execution_id ?? '';
      return res.status === 202;
    }, 30_000);
    expect(await waitFor(async () => hanging.length === 1, 15_000)).toBe(true);

    const res = await session.post(`/v1/executions/${id}/cancel`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', steps: [{ step_id: 'call', status: 'cancelled' }] });
  });

  it('runs a schedule now (the schedules service starts the run) and calls a tool (the connections service)', async () => {
    const agent = expectStatus(await session.post('/v1/agents', agentFactory()), 201, 'agent');
    const schedule = expectStatus(
      await session.post('/v1/schedules', {
        agent_id: agent.body.id,
        interval_seconds: 3600,
        enabled: false,
        input: { email: 'a@example.com', employees: 3 },
      }),
      201,
      'schedule',
    );
    let ran = { status: 0, body: {} as Record<string, unknown> };
    await waitFor(async () => {
      ran = await session.post(`/v1/schedules/${schedule.body.id}/run`, {});
      return ran.status !== 404; // until the engine has the agent
    }, 30_000);
    expect(ran.status).toBe(202);
    expect(ran.body).toMatchObject({ state: 'started', execution_id: expect.stringMatching(/^exe_/) });
    const done = await waitFor(
      async () => (await session.get(`/v1/executions/${String(ran.body.execution_id)}`)).body.status === 'succeeded',
      30_000,
    );
    expect(done).toBe(true);

    const tool = await session.post('/v1/tools/call', { name: 'json.transform', arguments: { data: { a: 2 }, expression: 'a * 21' } });
    expect(tool.status).toBe(200);
    expect(tool.body).toMatchObject({ is_error: false, output: 42 });
  });

  it('needed nothing the config does not grant: nats-server refused no service anything in the flows above', () => {
    // A refused publish is dropped, not failed: a missing permission for a wake-up or a progress message would only
    // have made the flows slower. The server logs each refusal.
    expect(stack.nats.violations()).toEqual([]);
  });

  it('refuses a client without a user, and a wrong password', async () => {
    await expect(connect({ servers: stack.natsUrl, reconnect: false })).rejects.toThrow(/authorization/i);
    await expect(signIn('executions', 'not-the-password')).rejects.toThrow(/authorization/i);
  });

  it('lets no service but the engine ask connections.resolve for a credential', async () => {
    const resolve = JSON.stringify({ pattern: 'connections.resolve', data: { ctx: { actor: 'system:executions' }, data: {} }, id: '1' });
    for (const user of ['gateway', 'agents', 'schedules', 'webhooks', 'subscriber']) {
      const nc = await signIn(user);
      await expect(nc.request('connections.resolve', resolve, { timeout: 2_000 })).rejects.toThrow(/permission/i);
    }
    expect(await waitFor(async () => stack.nats.violations().length >= 5, 5_000)).toBe(true);
    expect(stack.nats.violations().join('\n')).toMatch(/Publish Violation - User "gateway", Subject "connections.resolve"/);
  });

  it('lets only the connections service answer connections.resolve, and no one read another service’s replies', async () => {
    for (const [user, subject] of [
      ['executions', 'connections.resolve'],
      ['gateway', 'connections.resolve'],
      ['gateway', '_INBOX_executions.>'],
      ['agents', '_INBOX_gateway.>'],
      ['subscriber', '_INBOX_executions.>'],
      ['subscriber', '_INBOX.>'],
    ]) {
      const nc = await signIn(user);
      const sub = nc.subscribe(subject);
      await expect(sub.closed).resolves.toEqual(expect.objectContaining({ message: expect.stringMatching(/permission/i) }));
    }
  });

  it("lets no service create or delete the stream or a consumer, or read another service's consumer", async () => {
    const theirs = `$JS.API.CONSUMER.INFO.AGENTRY_EVENTS.${durableName(EVENT_CONSUMERS.executionsAgents.name, 'agentry.agents.created')}`;
    const executions = await signIn('executions');
    const info = JSON.parse((await executions.request(theirs, '', { timeout: 5_000 })).string());
    expect(info.config.durable_name).toBe('executions-agents-agentry_agents_created');
    // Creating is the provisioner's: a consumer created with a deliver subject would have the server publish the
    // stream's messages there, to an RPC subject the user may not publish to itself.
    const ownDurable = durableName(EVENT_CONSUMERS.webhooksMessages.name, 'agentry.executions.succeeded');
    const pushToAgentsDelete = JSON.stringify({
      stream_name: 'AGENTRY_EVENTS',
      config: { durable_name: ownDurable, deliver_subject: 'agents.delete', filter_subject: 'agentry.executions.succeeded' },
    });
    for (const user of ['gateway', 'agents', 'executions', 'schedules', 'connections', 'webhooks']) {
      const nc = await signIn(user);
      await expect(nc.request('$JS.API.STREAM.DELETE.AGENTRY_EVENTS', '', { timeout: 2_000 })).rejects.toThrow(/permission/i);
      await expect(nc.request('$JS.API.STREAM.CREATE.AGENTRY_EVENTS', '{}', { timeout: 2_000 })).rejects.toThrow(/permission/i);
      for (const subject of [
        `$JS.API.CONSUMER.CREATE.AGENTRY_EVENTS.${ownDurable}.agentry.executions.succeeded`,
        `$JS.API.CONSUMER.DURABLE.CREATE.AGENTRY_EVENTS.${ownDurable}`,
      ]) {
        await expect(nc.request(subject, pushToAgentsDelete, { timeout: 2_000 })).rejects.toThrow(/permission/i);
      }
      if (user !== 'executions') await expect(nc.request(theirs, '', { timeout: 2_000 })).rejects.toThrow(/permission/i);
    }
  });

  it('lets a subscriber follow the events live, and publish nothing', async () => {
    const nc = await signIn('subscriber');
    const seen: string[] = [];
    nc.subscribe('agentry.>', { callback: (_err, msg) => void seen.push(msg.subject) });
    await nc.flush();
    expectStatus(await session.post('/v1/agents', agentFactory()), 201, 'agent');
    expect(await waitFor(async () => seen.includes('agentry.agents.created'), 15_000)).toBe(true);
    nc.publish('agentry.agents.created', '{}');
    nc.publish('agents.delete', '{}');
    expect(
      await waitFor(async () => {
        const refused = stack.nats.violations().filter((l) => l.includes('User "subscriber"'));
        return ['agentry.agents.created', 'agents.delete'].every((s) =>
          refused.some((l) => l.includes(`Publish Violation`) && l.includes(`"${s}"`)),
        );
      }, 5_000),
    ).toBe(true);
  });
});
