import { createServiceDataSource } from '@agentry/common';
import { createTestDatabase, TestDatabase } from '@agentry/testing';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../src/api-keys/api-key.entity';
import { migrations } from '../src/database/migrations';
import { IdempotencyRepository } from '../src/idempotency/idempotency.repository';
import { WorkspaceEntity } from '../src/workspaces/workspace.entity';

/** Leases on in-progress idempotency records (security review L3), on the gateway schema of its own database. */
describe(IdempotencyRepository.name, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sut: IdempotencyRepository;
  const LEASE = 30_000;
  const ws = 'wks_lease';
  /** What a gateway that stopped mid-request leaves: the lease ran out `ago` ms ago. */
  const expire = (key: string, ago = 1_000) =>
    ds.query(`UPDATE gateway.idempotency_records SET locked_until = now() - make_interval(secs => $2) WHERE key = $1`, [key, ago / 1000]);

  beforeAll(async () => {
    db = await createTestDatabase('gateway_idempotency');
    ds = await createServiceDataSource({
      url: db.url,
      schema: 'gateway',
      entities: [WorkspaceEntity, ApiKeyEntity],
      migrations,
      poolSize: 4,
    });
    sut = new IdempotencyRepository(ds);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('answers a second claim with the record while the first request holds its lease', async () => {
    expect(await sut.claim(ws, 'k1', 'h1', LEASE)).toBeNull();

    expect(await sut.claim(ws, 'k1', 'h1', LEASE)).toMatchObject({ state: 'in_progress', request_hash: 'h1' });
  });

  it('lets the same request take over a record whose lease ended (its gateway stopped mid-request)', async () => {
    expect(await sut.claim(ws, 'k2', 'h2', LEASE)).toBeNull();
    await expire('k2');

    expect(await sut.claim(ws, 'k2', 'h2', LEASE)).toBeNull();
    // the new owner holds a fresh lease
    expect(await sut.claim(ws, 'k2', 'h2', LEASE)).toMatchObject({ state: 'in_progress' });
    await sut.complete(ws, 'k2', 201, { id: 'x' });
    expect(await sut.claim(ws, 'k2', 'h2', LEASE)).toMatchObject({ state: 'done', status_code: 201, response_body: { id: 'x' } });
  });

  it('never takes over for another body, nor a finished record', async () => {
    expect(await sut.claim(ws, 'k3', 'h3', LEASE)).toBeNull();
    await expire('k3');
    expect(await sut.claim(ws, 'k3', 'other', LEASE)).toMatchObject({ state: 'in_progress', request_hash: 'h3' });

    expect(await sut.claim(ws, 'k4', 'h4', LEASE)).toBeNull();
    await sut.complete(ws, 'k4', 200, { ok: true });
    await expire('k4', 3_600_000);
    expect(await sut.claim(ws, 'k4', 'h4', LEASE)).toMatchObject({ state: 'done', response_body: { ok: true } });
  });

  it('keeps a long request (a sync run of minutes) its key while it extends the lease', async () => {
    expect(await sut.claim(ws, 'k5', 'h5', LEASE)).toBeNull();
    await expire('k5');

    await sut.extend(ws, 'k5', LEASE);

    expect(await sut.claim(ws, 'k5', 'h5', LEASE)).toMatchObject({ state: 'in_progress' });
  });

  it('gives rows written without a lease (the previous release) ten minutes', async () => {
    await ds.query(
      `INSERT INTO gateway.idempotency_records (workspace_id, key, request_hash, state) VALUES ($1, 'k6', 'h6', 'in_progress')`,
      [ws],
    );
    const [{ minutes }] = await ds.query(
      `SELECT round(extract(epoch FROM locked_until - now()) / 60)::int AS minutes FROM gateway.idempotency_records WHERE key = 'k6'`,
    );

    expect(minutes).toBe(10);
    expect(await sut.claim(ws, 'k6', 'h6', LEASE)).toMatchObject({ state: 'in_progress' });
  });
});
