import type { Logger } from '@agentry/common';
import { loadConfig } from '@agentry/common';
import { FakePlatforms, startFakePlatforms } from '../../test/support/fake-platforms';
import { ConnectionsConfig } from '../config/connections.config';
import { ConfigValidator } from '../platforms/config-validator';
import { PlatformRegistry } from '../platforms/platform-registry';
import { ConnectionTester } from './connection-tester';

function logger(lines: unknown[]): Logger {
  const write = (...args: unknown[]) => void lines.push(args);
  return { info: write, warn: write, error: write, debug: write } as unknown as Logger;
}

describe(ConnectionTester.name, () => {
  let fake: FakePlatforms;
  const registry = new PlatformRegistry();
  const lines: unknown[] = [];
  const tester = (env: Record<string, string>) =>
    new ConnectionTester(
      loadConfig(ConnectionsConfig, { CONNECTION_TEST_TIMEOUT_MS: '800', ...env }),
      logger(lines),
      new ConfigValidator(),
    );
  const sut = () => tester({ AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true' });

  beforeAll(async () => {
    fake = await startFakePlatforms();
  });
  afterAll(() => fake.close());

  it('makes a passing test active, with the identity', async () => {
    const run = await sut().run(registry.require('github'), { token: fake.credentials.github, base_url: `${fake.url}/github` }, [
      fake.credentials.github,
    ]);

    expect(run.failure).toBeNull();
    expect(run.view).toMatchObject({ ok: true, status: 'active', error_message: null, identity: { login: 'octocat' } });
    expect(run.view.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('scrubs a key the platform echoes back out of the error message', async () => {
    const key = fake.credentials.wrong;

    const run = await sut().run(registry.require('openai'), { api_key: key, base_url: `${fake.url}/openai/v1` }, [key]);

    expect(run.view).toMatchObject({ ok: false, status: 'error' });
    expect(run.failure).toBe('auth');
    expect(run.view.error_message).toBe(
      'The OpenAI-compatible API refused the credentials (HTTP 401): Incorrect API key provided: [redacted].',
    );
    expect(JSON.stringify(lines)).not.toContain(key);
  });

  it('scrubs HTTP Basic credentials echoed back base64-encoded, not only the password itself', async () => {
    const password = 'not-the-right-password';
    const encoded = Buffer.from(`${fake.credentials.basicUser}:${password}`).toString('base64');

    const run = await sut().run(
      registry.require('http_basic'),
      { base_url: `${fake.url}/basic`, username: fake.credentials.basicUser, password },
      [password],
    );

    expect(run.failure).toBe('auth');
    expect(run.view.error_message).toBe('The API refused the credentials (HTTP 401): unauthorized: got Basic [redacted]');
    expect(JSON.stringify([run, lines])).not.toContain(encoded);
  });

  it('makes an expired token expired', async () => {
    const run = await sut().run(
      registry.require('slack'),
      { bot_token: fake.credentials.slackExpired, base_url: `${fake.url}/slack/api` },
      [],
    );

    expect(run.view.status).toBe('expired');
    expect(run.failure).toBe('expired');
  });

  it('turns a timeout into an error that is not an auth failure', async () => {
    const run = await sut().run(registry.require('slack'), { bot_token: fake.credentials.slack, base_url: `${fake.url}/hang/slack` }, []);

    expect(run.view).toMatchObject({ ok: false, status: 'error', error_message: 'Slack did not answer within 800 ms' });
    expect(run.failure).toBe('unexpected');
  });

  it('refuses loopback targets unless private networks are allowed', async () => {
    const before = fake.requests.length;

    const run = await tester({}).run(registry.require('github'), { token: fake.credentials.github, base_url: `${fake.url}/github` }, []);

    expect(run.view.error_message).toMatch(/^Refused to connect to 127\.0\.0\.1: it is a private, loopback or link-local address/);
    expect(run.failure).toBe('unexpected');
    expect(fake.requests.length).toBe(before);
  });
});
