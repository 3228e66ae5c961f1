import { serviceMain, startStack, TestSession, TestStack } from '@agentry/testing';
import { execFile } from 'node:child_process';
import { Client } from 'pg';
import { ConnectionsProcess } from './support/connections-process';
import { leakedSecrets, newMasterKey, ServiceCaller } from './support/connections-stack';
import { FakePlatforms, startFakePlatforms } from './support/fake-platforms';

const ROTATE = serviceMain('connections').replace(/main\.js$/, 'rotate-master-key.js');

interface Run {
  code: number;
  out: string;
}

describe('master key rotation', () => {
  const k1 = newMasterKey();
  const k2 = newMasterKey();
  const outputs: string[] = [];
  let fake: FakePlatforms;
  let stack: TestStack;
  let session: TestSession;
  let services: ServiceCaller;
  let db: Client;
  let service: ConnectionsProcess | undefined;

  const infra = () => ({ DATABASE_URL: stack.databaseUrl, NATS_URL: stack.natsUrl, AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true' });
  async function runService(env: Record<string, string>): Promise<void> {
    await stopService();
    service = new ConnectionsProcess({ ...infra(), ...env });
    await service.start();
  }
  async function stopService(): Promise<void> {
    if (!service) return;
    await service.stop();
    outputs.push(service.output);
    service = undefined;
  }
  function rotate(env: Record<string, string>, args: string[] = []): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [ROTATE, ...args],
        { env: { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: stack.databaseUrl, ...env } },
        (err, stdout, stderr) => {
          const out = `${stdout}${stderr}`;
          outputs.push(out);
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out });
        },
      );
    });
  }
  const keysInTable = async () =>
    Object.fromEntries(
      (await db.query(`SELECT master_key_id, count(*)::int AS n FROM connections.connections GROUP BY 1`)).rows.map(
        (r: { master_key_id: string; n: number }) => [r.master_key_id, r.n],
      ),
    );
  const row = async (id: string) => (await db.query('SELECT * FROM connections.connections WHERE id = $1', [id])).rows[0];
  const create = async (token: string) => {
    const res = await session.post('/v1/connections', {
      platform: 'github',
      name: 'gh',
      config: { token, base_url: `${fake.url}/github` },
      test: token === fake.credentials.github,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const resolvedToken = async (id: string) =>
    (
      await services.call<{ config: { token: string } }>(
        'connections.resolve',
        { connection_id: id },
        { workspace_id: session.workspace.id, actor: 'system:executions' },
      )
    ).response?.config.token;

  beforeAll(async () => {
    fake = await startFakePlatforms();
    stack = await startStack({ services: ['gateway'], label: 'connections_rotation' });
    session = await TestSession.create(stack);
    services = await ServiceCaller.connect(stack.natsUrl);
    db = new Client({ connectionString: stack.databaseUrl });
  });

  afterAll(async () => {
    await stopService();
    await db?.end();
    await services?.close();
    await stack?.stop();
    await fake?.close();
  });

  it('re-wraps records written before and after the switch, online and idempotently, so the old key can go', async () => {
    // 1. Everything under k1.
    await runService({ AGENTRY_MASTER_KEY: k1, AGENTRY_MASTER_KEY_ID: 'k1' });
    await db.connect();
    const before = [await create(fake.credentials.github), await create(fake.credentials.github)];
    const cipherBefore = (await row(before[0])).secrets_ciphertext as Buffer;
    expect(await keysInTable()).toEqual({ k1: 2 });

    // 2. The service gets k2 as primary and keeps k1 to read; new records are written under k2.
    await runService({ AGENTRY_MASTER_KEY: k2, AGENTRY_MASTER_KEY_ID: 'k2', AGENTRY_MASTER_KEYRING: `k1:${k1}` });
    const after = await create(fake.credentials.github);
    expect(await keysInTable()).toEqual({ k1: 2, k2: 1 });
    expect(await resolvedToken(before[0])).toBe(fake.credentials.github);

    // 3. Rotate while the service runs.
    const rotation = await rotate({ AGENTRY_MASTER_KEY: k2, AGENTRY_MASTER_KEY_ID: 'k2', AGENTRY_MASTER_KEYRING: `k1:${k1}` }, [
      '--batch-size=1',
    ]);
    expect(rotation).toEqual({
      code: 0,
      out: expect.stringContaining('done: 2 re-wrapped, 0 changed meanwhile, 0 failed; records per master key now: {"k2":3}'),
    });
    expect(await keysInTable()).toEqual({ k2: 3 });
    // Only the data key was re-wrapped: the secrets' ciphertext is the same bytes.
    expect(((await row(before[0])).secrets_ciphertext as Buffer).equals(cipherBefore)).toBe(true);

    // 4. Idempotent: nothing left to do.
    const again = await rotate({ AGENTRY_MASTER_KEY: k2, AGENTRY_MASTER_KEY_ID: 'k2', AGENTRY_MASTER_KEYRING: `k1:${k1}` });
    expect(again).toEqual({ code: 0, out: expect.stringContaining('done: 0 re-wrapped') });

    // 5. k1 retired: every record, old and new, still decrypts.
    await runService({ AGENTRY_MASTER_KEY: k2, AGENTRY_MASTER_KEY_ID: 'k2' });
    for (const id of [...before, after]) expect(await resolvedToken(id)).toBe(fake.credentials.github);
    expect((await session.post(`/v1/connections/${before[1]}/test`)).body).toMatchObject({ ok: true, status: 'active' });
  });

  it('reports records it cannot unwrap, exits 1 and leaves them untouched', async () => {
    const before = await keysInTable();

    const res = await rotate({ AGENTRY_MASTER_KEY: newMasterKey(), AGENTRY_MASTER_KEY_ID: 'k3' });

    expect(res.code).toBe(1);
    expect(res.out).toContain('Master key "k2" is not configured: add it to AGENTRY_MASTER_KEYRING as k2:<base64>');
    expect(await keysInTable()).toEqual(before);
  });

  it('refuses to run without a new key, or with bad arguments', async () => {
    expect((await rotate({})).code).toBe(2);
    expect((await rotate({ AGENTRY_MASTER_KEY: k2 }, ['--batch-size=lots'])).out).toContain('Usage: npm run rotate-master-key');
  });

  it('refuses to start in production without a master key, and says how to make one', async () => {
    const proc = new ConnectionsProcess({ ...infra(), NODE_ENV: 'production' });

    await expect(proc.start()).rejects.toMatchObject({ exitCode: 1 });
    expect(proc.output).toContain('AGENTRY_MASTER_KEY: is required when NODE_ENV=production');
    expect(proc.output).toContain('openssl rand -base64 32');
    outputs.push(proc.output);
  });

  it('never prints a key or a secret in the service or command output', () => {
    expect(outputs.join('').length).toBeGreaterThan(1000);
    expect(leakedSecrets(outputs, [k1, k2, fake.credentials.github])).toEqual([]);
  });
});
