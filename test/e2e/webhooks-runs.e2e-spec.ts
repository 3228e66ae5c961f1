import { agentFactory, startStack, TestSession, TestStack } from '@agentry/testing';
import { FakeReceiver } from '../../apps/webhooks/test/support/fake-receiver';
import { eventually } from '../../apps/webhooks/test/support/events';
import { verifySignature, verifyStandard } from '../../apps/webhooks/test/support/verify';

jest.setTimeout(120_000);

/** A real run, through the execution engine, reaches a webhook endpoint and the run's callback_url, signed. */
describe('run completion webhooks (gateway, agents, executions, webhooks)', () => {
  let stack: TestStack;
  let endpointRx: FakeReceiver;
  let callbackRx: FakeReceiver;

  beforeAll(async () => {
    [stack, endpointRx, callbackRx] = await Promise.all([
      startStack({
        services: ['gateway', 'agents', 'executions', 'webhooks'],
        label: 'webhooks_runs',
        perServiceEnv: { webhooks: { AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true' } },
      }),
      FakeReceiver.start(),
      FakeReceiver.start(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([endpointRx?.stop(), callbackRx?.stop()]);
    await stack?.stop();
  });

  it('delivers agent.execution.success with the run output to the endpoint and to the callback_url', async () => {
    const session = await TestSession.create(stack);
    const endpoint = (await session.post('/v1/webhook-endpoints', { url: endpointRx.url(), event_types: ['agent.execution.success'] }))
      .body;
    const agent = (await session.post('/v1/agents', agentFactory())).body;
    await eventually(
      async () => (await session.get('/v1/webhook-callback-secret')).status,
      (s) => s === 200,
      'the callback secret',
    );
    const callbackSecret = (await session.get('/v1/webhook-callback-secret')).body.secret;

    const run = await eventually(
      () =>
        session.post(`/v1/agents/${agent.id}/runs`, {
          input: { email: 'Ada@Example.com', employees: 500 },
          async: true,
          callback_url: callbackRx.url('/done'),
        }),
      (r) => r.status === 202,
      'the run to be accepted (the agent reaches executions by event)',
    );
    const executionId = run.body.execution_id;

    const [atEndpoint] = await eventually(
      () => endpointRx.requests,
      (r) => r.length >= 1,
      'the endpoint delivery',
      60_000,
    );
    const [atCallback] = await eventually(
      () => callbackRx.requests,
      (r) => r.length >= 1,
      'the callback delivery',
      60_000,
    );
    for (const [req, secret] of [
      [atEndpoint, endpoint.secret],
      [atCallback, callbackSecret],
    ] as const) {
      expect(verifyStandard(secret, req)).toMatchObject({
        event: 'agent.execution.success',
        execution_id: executionId,
        agent_id: agent.id,
        status: 'succeeded',
        output: { email: 'ada@example.com', score: 90 },
      });
      expect(verifySignature(req.raw, req.headers['x-agentry-signature'], secret)).toBe(true);
    }
    expect(atCallback.path).toBe('/done');
  });
});
