import { AppError, createServiceDataSource } from '@agentry/common';
import { createTestDatabase, TestDatabase } from '@agentry/testing';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../src/api-keys/api-key.entity';
import { ApiKeysRepository } from '../src/api-keys/api-keys.repository';
import { issueApiKey } from '../src/api-keys/issue-api-key';
import { Authenticator } from '../src/auth/authenticator';
import { GatewayConfig } from '../src/config/gateway.config';
import { migrations } from '../src/database/migrations';
import { BootstrapWorkspace } from '../src/workspaces/bootstrap-workspace';
import { WorkspaceEntity } from '../src/workspaces/workspace.entity';

/** AGENTRY_BOOTSTRAP_API_KEY against the gateway schema on its own database (security review M3). */
describe(BootstrapWorkspace.name, () => {
  let db: TestDatabase;
  let ds: DataSource;
  const logger = pino({ level: 'silent' });
  const keyA = `agk_bootstrap_a_${'a'.repeat(24)}`;
  const keyB = `agk_bootstrap_b_${'b'.repeat(24)}`;

  const bootstrap = (key: string) => new BootstrapWorkspace(ds, { AGENTRY_BOOTSTRAP_API_KEY: key }, logger).onApplicationBootstrap();
  /** A fresh authenticator each time: what a restarted gateway (an empty auth cache) answers. */
  const authenticate = (key: string) =>
    new Authenticator(new ApiKeysRepository(ds.getRepository(ApiKeyEntity)), { AUTH_CACHE_TTL_SECONDS: 10 } as GatewayConfig)
      .authenticate(`Bearer ${key}`)
      .then(
        (info) => ({ ok: true, instanceAdmin: info.instanceAdmin }),
        (err: AppError) => ({ ok: false, code: err.code }),
      );

  beforeAll(async () => {
    db = await createTestDatabase('gateway_bootstrap');
    ds = await createServiceDataSource({
      url: db.url,
      schema: 'gateway',
      entities: [WorkspaceEntity, ApiKeyEntity],
      migrations,
      poolSize: 4,
    });
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('revokes the old bootstrap key when the value changes, and leaves other instance-admin keys', async () => {
    await bootstrap(keyA);
    const [ws] = await ds.query(`SELECT id FROM gateway.workspaces WHERE is_default`);
    const human = await issueApiKey(ds.manager, { workspaceId: ws.id, name: 'ops', scopes: ['admin'], instanceAdmin: true });
    await bootstrap(keyA); // a restart with the same value changes nothing
    expect(await authenticate(keyA)).toEqual({ ok: true, instanceAdmin: true });

    await bootstrap(keyB);

    expect(await authenticate(keyA)).toEqual({ ok: false, code: 'UNAUTHORIZED' });
    expect(await authenticate(keyB)).toEqual({ ok: true, instanceAdmin: true });
    expect(await authenticate(human.key)).toEqual({ ok: true, instanceAdmin: true });
    const rows = await ds.query(
      `SELECT name, is_bootstrap, revoked_at IS NOT NULL AS revoked FROM gateway.api_keys ORDER BY created_at, name`,
    );
    expect(rows).toEqual([
      { name: 'bootstrap', is_bootstrap: true, revoked: true },
      { name: 'ops', is_bootstrap: false, revoked: false },
      { name: 'bootstrap', is_bootstrap: true, revoked: false },
    ]);
  });

  it('never brings a revoked key back: an old replica restarting with the old value changes nothing', async () => {
    await bootstrap(keyA);

    expect(await authenticate(keyA)).toEqual({ ok: false, code: 'UNAUTHORIZED' });
    expect(await authenticate(keyB)).toEqual({ ok: true, instanceAdmin: true });
  });

  it('converges on one key when replicas with different values start at once', async () => {
    const keyC = `agk_bootstrap_c_${'c'.repeat(24)}`;
    const keyD = `agk_bootstrap_d_${'d'.repeat(24)}`;

    await Promise.all([bootstrap(keyC), bootstrap(keyD)]);

    const active = await ds.query(`SELECT count(*)::int AS n FROM gateway.api_keys WHERE is_bootstrap AND revoked_at IS NULL`);
    expect(active).toEqual([{ n: 1 }]);
    expect(await authenticate(keyB)).toEqual({ ok: false, code: 'UNAUTHORIZED' });
  });

  it('marks the bootstrap keys registered before the marker existed (migration)', async () => {
    // back to the schema before the marker (migrations after it are undone and run again too)
    const last = async () => (await ds.query(`SELECT name FROM gateway.migrations ORDER BY id DESC LIMIT 1`))[0].name;
    while ((await last()) !== 'InitGateway1763900000000') await ds.undoLastMigration();
    const [ws] = await ds.query(`SELECT id FROM gateway.workspaces WHERE is_default`);
    await ds.query(`DELETE FROM gateway.api_keys`);
    await ds.query(
      `INSERT INTO gateway.api_keys (id, workspace_id, name, key_hash, key_prefix, scopes, instance_admin)
       VALUES ('key_old', $1, 'bootstrap', 'h1', 'agk_', '{admin}', true), ('key_ops', $1, 'ops', 'h2', 'agk_', '{admin}', true),
              ('key_named', $1, 'bootstrap', 'h3', 'agk_', '{admin}', false)`,
      [ws.id],
    );

    await ds.runMigrations();

    expect(await ds.query(`SELECT id, is_bootstrap FROM gateway.api_keys ORDER BY id`)).toEqual([
      { id: 'key_named', is_bootstrap: false },
      { id: 'key_old', is_bootstrap: true },
      { id: 'key_ops', is_bootstrap: false },
    ]);
  });
});
