import { loadConfig } from '@agentry/common';
import { hashApiKey } from '../api-keys/api-key.crypto';
import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { ApiKeysRepository, KeyWithWorkspace } from '../api-keys/api-keys.repository';
import { GatewayConfig } from '../config/gateway.config';
import { WorkspaceEntity } from '../workspaces/workspace.entity';
import { Authenticator } from './authenticator';

const VALID = 'agk_valid000000000000000000000000000000000';

/** One known key; counts the database lookups. */
function fakeKeys() {
  const lookups: string[] = [];
  const repo = {
    async findActiveByHash(hash: string): Promise<KeyWithWorkspace | null> {
      lookups.push(hash);
      await new Promise((resolve) => setImmediate(resolve));
      if (hash !== hashApiKey(VALID)) return null;
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
  };
  return { repo: repo as unknown as ApiKeysRepository, lookups };
}

describe(Authenticator.name, () => {
  const config = loadConfig(GatewayConfig, { AUTH_CACHE_TTL_SECONDS: '60' });

  it('keeps a valid key cached however many unknown keys are tried', async () => {
    const { repo, lookups } = fakeKeys();
    const sut = new Authenticator(repo, config);
    await sut.authenticate(`Bearer ${VALID}`);

    for (let i = 0; i < 12_000; i++)
      await expect(sut.authenticate(`Bearer agk_random${i}`)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const before = lookups.length;
    const info = await sut.authenticate(`Bearer ${VALID}`);

    expect(info).toMatchObject({ keyId: 'key_1', workspaceId: 'wks_1' });
    expect(lookups.length).toBe(before);
  });

  it('remembers a miss, so the same bad key does not reach the database again', async () => {
    const { repo, lookups } = fakeKeys();
    const sut = new Authenticator(repo, config);

    for (let i = 0; i < 5; i++) await expect(sut.authenticate('Bearer agk_wrong')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

    expect(lookups).toHaveLength(1);
  });

  it('asks the database once for many concurrent requests with one key', async () => {
    const { repo, lookups } = fakeKeys();
    const sut = new Authenticator(repo, config);

    const results = await Promise.all(Array.from({ length: 50 }, () => sut.authenticate(`Bearer ${VALID}`)));

    expect(results.every((r) => r.keyId === 'key_1')).toBe(true);
    expect(lookups).toHaveLength(1);
  });

  it('refuses a malformed header without a lookup', async () => {
    const { repo, lookups } = fakeKeys();
    const sut = new Authenticator(repo, config);

    for (const header of [undefined, '', 'Basic abc', `Bearer ${'x'.repeat(513)}`, 'Bearer a b']) {
      await expect(sut.authenticate(header)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    expect(lookups).toHaveLength(0);
  });
});
