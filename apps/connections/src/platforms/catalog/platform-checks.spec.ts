import { OutboundError, outboundRequest } from '@agentry/common';
import { FakePlatforms, startFakePlatforms } from '../../../test/support/fake-platforms';
import { ConfigValidator } from '../config-validator';
import { PlatformHttp } from '../platform';
import { PlatformRegistry } from '../platform-registry';

describe('platform identity checks against local fakes', () => {
  let fake: FakePlatforms;
  const registry = new PlatformRegistry();
  const validator = new ConfigValidator();
  const http: PlatformHttp = (url, init = {}) => outboundRequest(url, { ...init, timeoutMs: 1_000 }, { allowPrivateNetworks: true });
  const check = (id: string, config: Record<string, unknown>) => {
    const platform = registry.require(id);
    validator.validate(platform, config);
    return platform.test(validator.withDefaults(platform, config), http);
  };

  beforeAll(async () => {
    fake = await startFakePlatforms();
  });
  afterAll(() => fake.close());

  describe('slack (POST auth.test)', () => {
    const base = () => `${fake.url}/slack/api`;

    it('reads the team and bot of a valid token', async () => {
      await expect(check('slack', { bot_token: fake.credentials.slack, base_url: base() })).resolves.toEqual({
        ok: true,
        identity: expect.objectContaining({ team: 'Acme', user: 'agentry-bot', team_id: 'T0001' }),
      });
      expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/slack/api/auth.test' });
    });

    it('reads invalid_auth as an auth failure and token_expired as expired', async () => {
      await expect(check('slack', { bot_token: 'xoxb-0000-wrong', base_url: base() })).resolves.toEqual({
        ok: false,
        reason: 'auth',
        message: 'Slack refused the token: invalid_auth',
      });
      await expect(check('slack', { bot_token: fake.credentials.slackExpired, base_url: base() })).resolves.toMatchObject({
        ok: false,
        reason: 'expired',
      });
    });
  });

  describe('github (GET /user)', () => {
    it('reads the login and the token scopes', async () => {
      await expect(check('github', { token: fake.credentials.github, base_url: `${fake.url}/github` })).resolves.toEqual({
        ok: true,
        identity: { login: 'octocat', id: 583231, name: 'The Octocat', type: 'User', scopes: ['repo', 'read:org'] },
      });
      expect(fake.requests.at(-1)?.headers).toMatchObject({ 'user-agent': 'agentry', 'x-github-api-version': '2022-11-28' });
    });

    it('reads a 401 as an auth failure with GitHub’s reason', async () => {
      await expect(check('github', { token: 'ghp_wrong', base_url: `${fake.url}/github` })).resolves.toEqual({
        ok: false,
        reason: 'auth',
        message: 'GitHub refused the credentials (HTTP 401): Bad credentials',
      });
    });
  });

  describe('openai-compatible (GET /models)', () => {
    it('counts the models', async () => {
      await expect(check('openai', { api_key: fake.credentials.openai, base_url: `${fake.url}/openai/v1` })).resolves.toEqual({
        ok: true,
        identity: { models: 2, sample: ['gpt-4o-mini', 'text-embedding-3-small'] },
      });
    });

    it('reads a 401 as an auth failure', async () => {
      await expect(check('openai', { api_key: fake.credentials.wrong, base_url: `${fake.url}/openai/v1/` })).resolves.toMatchObject({
        ok: false,
        reason: 'auth',
      });
    });

    it('sends no Authorization header when there is no key (a local Ollama)', async () => {
      await check('openai', { base_url: `${fake.url}/openai/v1` });

      expect(fake.requests.at(-1)?.headers.authorization).toBeUndefined();
    });
  });

  it('anthropic: x-api-key and anthropic-version on GET /v1/models', async () => {
    await expect(check('anthropic', { api_key: fake.credentials.anthropic, base_url: `${fake.url}/anthropic` })).resolves.toMatchObject({
      ok: true,
      identity: { models: 1 },
    });
    await expect(check('anthropic', { api_key: 'sk-ant-wrong', base_url: `${fake.url}/anthropic` })).resolves.toMatchObject({
      ok: false,
      reason: 'auth',
    });
  });

  describe('mcp (initialize over Streamable HTTP)', () => {
    it.each([['/mcp'], ['/mcp-sse']])('reads the server info from %s, then closes the session', async (path) => {
      await expect(check('mcp', { url: `${fake.url}${path}`, auth_token: fake.credentials.mcp })).resolves.toEqual({
        ok: true,
        identity: { server: 'fake-mcp', version: '1.2.3', protocol_version: '2025-06-18' },
      });
      expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path });
    });

    it('reads a 401 as an auth failure', async () => {
      await expect(check('mcp', { url: `${fake.url}/mcp`, auth_token: 'mcp_wrong' })).resolves.toMatchObject({ ok: false, reason: 'auth' });
    });
  });

  describe('http_bearer and http_basic', () => {
    it('passes with the right credentials', async () => {
      await expect(
        check('http_bearer', { base_url: `${fake.url}/bearer`, token: fake.credentials.bearer, test_path: '/me' }),
      ).resolves.toMatchObject({ ok: true });
      await expect(
        check('http_basic', {
          base_url: `${fake.url}/basic`,
          username: fake.credentials.basicUser,
          password: fake.credentials.basicPassword,
          test_path: '/me',
        }),
      ).resolves.toMatchObject({ ok: true });
    });

    it('reads WWW-Authenticate "expired" as expired, and other refusals as auth failures', async () => {
      await expect(check('http_bearer', { base_url: `${fake.url}/bearer`, token: fake.credentials.bearerExpired })).resolves.toMatchObject({
        ok: false,
        reason: 'expired',
      });
      await expect(check('http_bearer', { base_url: `${fake.url}/bearer`, token: 'tok_wrong' })).resolves.toMatchObject({
        ok: false,
        reason: 'auth',
      });
      await expect(check('http_basic', { base_url: `${fake.url}/basic`, username: 'x', password: 'y' })).resolves.toMatchObject({
        ok: false,
        reason: 'auth',
      });
    });

    it('uses a custom header without a scheme', async () => {
      await check('http_bearer', { base_url: `${fake.url}/other`, token: 'tok_custom_1234', header: 'X-Api-Key', scheme: '' });

      expect(fake.requests.at(-1)?.headers['x-api-key']).toBe('tok_custom_1234');
    });

    it('reads another status as unexpected, not as an auth failure', async () => {
      await expect(check('http_bearer', { base_url: `${fake.url}/missing`, token: fake.credentials.bearer })).resolves.toEqual({
        ok: false,
        reason: 'unexpected',
        message: 'The API answered HTTP 404: not found',
      });
    });
  });

  it('gives up on a platform that does not answer', async () => {
    const started = Date.now();

    await expect(check('slack', { bot_token: fake.credentials.slack, base_url: `${fake.url}/hang/slack` })).rejects.toMatchObject({
      kind: 'timeout',
      message: expect.stringContaining('did not answer within 1000 ms'),
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('refuses to call a loopback fake when private networks are not allowed', async () => {
    const before = fake.requests.length;
    const guarded: PlatformHttp = (url, init = {}) => outboundRequest(url, { ...init, timeoutMs: 1_000 }, { allowPrivateNetworks: false });
    const github = registry.require('github');

    await expect(github.test({ token: fake.credentials.github, base_url: `${fake.url}/github` }, guarded)).rejects.toBeInstanceOf(
      OutboundError,
    );
    expect(fake.requests.length).toBe(before);
  });
});
