import { AppError, loadConfig } from '@agentry/common';
import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hashApiKey } from '../api-keys/api-key.crypto';
import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { ApiKeysRepository, KeyWithWorkspace } from '../api-keys/api-keys.repository';
import { GatewayConfig } from '../config/gateway.config';
import { WorkspaceEntity } from '../workspaces/workspace.entity';
import { AuthFailureBudget } from './auth-failure-budget';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';

const VALID = 'agk_valid000000000000000000000000000000000';
const OTHER_VALID = 'agk_other000000000000000000000000000000000';

function setup(limit: number) {
  const lookups: string[] = [];
  const repo = {
    async findActiveByHash(hash: string): Promise<KeyWithWorkspace | null> {
      lookups.push(hash);
      if (hash !== hashApiKey(VALID) && hash !== hashApiKey(OTHER_VALID)) return null;
      return {
        key: Object.assign(new ApiKeyEntity(), {
          id: 'key_1',
          workspaceId: 'wks_1',
          scopes: ['admin'],
          instanceAdmin: false,
          expiresAt: null,
        }),
        workspace: Object.assign(new WorkspaceEntity(), { id: 'wks_1', plan: 'pro', requestsPerMinute: null }),
      };
    },
  } as unknown as ApiKeysRepository;
  const config = loadConfig(GatewayConfig, { AUTH_FAILURES_PER_MINUTE: String(limit) });
  const sut = new AuthGuard(new Reflector(), new Authenticator(repo, config), new AuthFailureBudget(config));
  /** One request from `ip` with that key: the status it would get, and the headers set. */
  const call = async (ip: string, key?: string) => {
    const headers: Record<string, string> = {};
    const req = { ip, headers: key ? { authorization: `Bearer ${key}` } : {} };
    const reply = { header: (name: string, value: string) => void (headers[name] = value) };
    const context = {
      getHandler: () => call,
      getClass: () => AuthGuard,
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }),
    } as unknown as ExecutionContext;
    try {
      await sut.canActivate(context);
      return { status: 200, headers };
    } catch (err) {
      return { status: (err as AppError).code, message: (err as AppError).message, headers };
    }
  };
  return { call, lookups };
}

describe(AuthGuard.name, () => {
  it('refuses an address past its failed-auth budget before any database read', async () => {
    const { call, lookups } = setup(3);
    for (let i = 0; i < 3; i++) expect((await call('198.51.100.1', `agk_bad${i}`)).status).toBe('UNAUTHORIZED');
    const before = lookups.length;

    const refused = await call('198.51.100.1', 'agk_bad_next');

    expect(refused).toEqual({
      status: 'RATE_LIMITED',
      message: expect.stringMatching(/^Too many failed authentications from this address; try again in \d+ s$/),
      headers: { 'Retry-After': expect.stringMatching(/^\d+$/) },
    });
    expect(await call('198.51.100.1', VALID)).toMatchObject({ status: 'RATE_LIMITED' }); // never seen valid here
    expect(lookups.length).toBe(before);
    expect((await call('198.51.100.2', 'agk_bad_elsewhere')).status).toBe('UNAUTHORIZED');
  });

  it('lets a key this process has seen valid through, and does not count successes', async () => {
    const { call } = setup(2);
    expect((await call('198.51.100.1', VALID)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await call('198.51.100.1', VALID)).status).toBe(200);
    await call('198.51.100.1');
    await call('198.51.100.1', 'Basic x');

    expect((await call('198.51.100.1', 'agk_bad')).status).toBe('RATE_LIMITED');
    expect((await call('198.51.100.1', VALID)).status).toBe(200);
    expect((await call('198.51.100.1', OTHER_VALID)).status).toBe('RATE_LIMITED');
  });

  it('counts nothing with AUTH_FAILURES_PER_MINUTE=0', async () => {
    const { call } = setup(0);
    for (let i = 0; i < 50; i++) expect((await call('198.51.100.1', `agk_bad${i}`)).status).toBe('UNAUTHORIZED');
  });
});
