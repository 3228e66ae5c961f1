import { SealedSecrets } from '@agentry/common';
import { agentFactory, startStack, TestSession, TestStack } from '@agentry/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

jest.setTimeout(120_000);

const FIRST_KEY = randomBytes(32).toString('base64');
/** How a value sealed under a key during a rotation starts. */
const rotationPrefixOf = (key: string) => `v2.${SealedSecrets.derive('agentry-hooks', Buffer.from(key, 'base64')).keyId}.`;

/** HOOK_SECRETS_KEY is replaced through HOOK_SECRETS_KEYRING without a moment when a hook's credentials do not open. */
describe('rotating HOOK_SECRETS_KEY (real gateway and agents service, PostgreSQL, NATS)', () => {
  let stack: TestStack;
  let db: Client;

  beforeAll(async () => {
    stack = await startStack({ services: ['gateway', 'agents'], label: 'hook_keys', env: { HOOK_SECRETS_KEY: FIRST_KEY } });
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  const stored = async (hookId: string) =>
    (await db.query('SELECT key_sealed, secret_sealed FROM agents.agent_hooks WHERE id = $1', [hookId])).rows[0] as {
      key_sealed: string;
      secret_sealed: string;
    };

  it('seals every hook again under the new key at the restart that has the old one in the ring, and the hooks stay the same', async () => {
    const session = await TestSession.create(stack);
    const agents = [(await session.post('/v1/agents', agentFactory())).body, (await session.post('/v1/agents', agentFactory())).body];
    const hooks = await Promise.all(agents.map(async (a) => (await session.get(`/v1/agents/${a.id}/hook`)).body));
    for (const hook of hooks) {
      expect(hook.key).toMatch(/^hk_/);
      const row = await stored(hook.hook_id);
      // no rotation under way: v1, which replicas of the version before keyrings read too
      expect(row.key_sealed).toMatch(/^v1\./);
      expect(row.secret_sealed).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain(hook.key);
    }
    // A value that opens under no key is left as it is, and the sweep goes on with the others.
    const broken = (await session.post('/v1/agents', agentFactory())).body;
    const brokenHook = (await session.get(`/v1/agents/${broken.id}/hook`)).body;
    await db.query(`UPDATE agents.agent_hooks SET secret_sealed = 'v2.AAAAAAAA.x.y.z' WHERE id = $1`, [brokenHook.hook_id]);

    const next = randomBytes(32).toString('base64');
    await stack.stopService('agents');
    await stack.startService('agents', { HOOK_SECRETS_KEY: next, HOOK_SECRETS_KEYRING: FIRST_KEY });

    for (const hook of hooks) {
      const row = await stored(hook.hook_id);
      expect(row.key_sealed.startsWith(rotationPrefixOf(next))).toBe(true);
      expect(row.secret_sealed.startsWith(rotationPrefixOf(next))).toBe(true);
    }
    expect((await stored(brokenHook.hook_id)).secret_sealed).toBe('v2.AAAAAAAA.x.y.z');
    expect(stack.logTail('agents')).toMatch(/hook secrets sealed again under the current key/);
    expect(stack.logTail('agents')).toMatch(/"failed":1/);

    // the old key leaves the ring: the hooks read the same
    await stack.stopService('agents');
    await stack.startService('agents', { HOOK_SECRETS_KEYRING: '' });
    for (const [i, agent] of agents.entries()) {
      const again = (await session.get(`/v1/agents/${agent.id}/hook`)).body;
      expect({ key: again.key, signing_secret: again.signing_secret }).toEqual({
        key: hooks[i].key,
        signing_secret: hooks[i].signing_secret,
      });
    }
  });

  it('refuses a keyring that is not base64 keys of 32 bytes, naming the variable', async () => {
    await stack.stopService('agents');
    await expect(stack.startService('agents', { HOOK_SECRETS_KEYRING: 'not-a-key' })).rejects.toThrow(
      /HOOK_SECRETS_KEYRING: must be base64 keys of exactly 32 bytes, comma-separated/,
    );
    await stack.startService('agents', { HOOK_SECRETS_KEYRING: '' });
  });
});
