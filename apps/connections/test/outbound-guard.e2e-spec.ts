import { startStack, TestSession, TestStack } from '@agentry/testing';
import { ConnectionsProcess } from './support/connections-process';
import { newMasterKey } from './support/connections-stack';
import { FakePlatforms, startFakePlatforms } from './support/fake-platforms';

describe('connection tests without AGENTRY_ALLOW_PRIVATE_NETWORKS', () => {
  let fake: FakePlatforms;
  let stack: TestStack;
  let service: ConnectionsProcess;
  let session: TestSession;

  beforeAll(async () => {
    fake = await startFakePlatforms();
    stack = await startStack({ services: ['gateway'], label: 'connections_guard' });
    service = new ConnectionsProcess({ DATABASE_URL: stack.databaseUrl, NATS_URL: stack.natsUrl, AGENTRY_MASTER_KEY: newMasterKey() });
    await service.start();
    session = await TestSession.create(stack);
  });

  afterAll(async () => {
    await service?.stop();
    await stack?.stop();
    await fake?.close();
  });

  it.each([
    ['a loopback IP', () => `${fake.url}/github`, '127.0.0.1'],
    ['a name that resolves to loopback', () => `${fake.url.replace('127.0.0.1', 'localhost')}/github`, 'localhost'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest', '169.254.169.254'],
    ['a private network', () => 'http://10.0.0.1/api', '10.0.0.1'],
  ])('refuses %s, sending nothing', async (_, url, host) => {
    const before = fake.requests.length;

    const res = await session.post('/v1/connections/test', {
      platform: 'github',
      config: { token: fake.credentials.github, base_url: url() },
    });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: false,
      status: 'error',
      error_message: `Refused to connect to ${host}: it is a private, loopback or link-local address (an operator may allow it with AGENTRY_ALLOW_PRIVATE_NETWORKS=true)`,
    });
    expect(fake.requests.length).toBe(before);
  });

  it('marks a saved connection error, without calling it a disconnect', async () => {
    const created = (
      await session.post('/v1/connections', {
        platform: 'slack',
        name: 'local',
        config: { bot_token: fake.credentials.slack, base_url: `${fake.url}/slack/api` },
      })
    ).body;

    const res = await session.post(`/v1/connections/${created.id}/test`);

    expect(res.body.connection).toMatchObject({
      status: 'error',
      error_message: expect.stringMatching(/^Refused to connect to 127\.0\.0\.1/),
    });
    expect(fake.requests).toHaveLength(0);
  });
});
