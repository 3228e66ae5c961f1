import { createTestDatabase, TestDatabase } from '@agentry/testing';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { resealStoredSecrets } from '../src/crypto/reseal-sweep';
import { SealedSecrets } from '../src/crypto/sealed-secret';

/** resealStoredSecrets against real PostgreSQL: pages, NULLs, values that do not open, and writes meanwhile. */
describe('resealStoredSecrets', () => {
  let database: TestDatabase;
  let ds: DataSource;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const before = SealedSecrets.derive('test', oldKey);
  const ring = SealedSecrets.derive('test', newKey, [oldKey]);

  beforeAll(async () => {
    database = await createTestDatabase('agentry_reseal');
    // One connection: a write a test starts in the middle of the sweep reaches PostgreSQL before the sweep's own.
    ds = new DataSource({ type: 'postgres', url: database.url, extra: { max: 1 } });
    await ds.initialize();
    await ds.query(`CREATE SCHEMA s; CREATE TABLE s.t (id text PRIMARY KEY, owner text NOT NULL, a text NOT NULL, b text)`);
  });

  afterAll(async () => {
    await ds?.destroy();
    await database?.drop();
  });

  const rows = async () =>
    (await ds.query(`SELECT id, owner, a, b FROM s.t ORDER BY id`)) as { id: string; owner: string; a: string; b: string | null }[];
  const sweep = (reseal: (value: string, row: Record<string, string | null>) => string) =>
    resealStoredSecrets(ds, {
      table: 's.t',
      key: 'id',
      sealed: ['a', 'b'],
      context: ['owner'],
      currentPrefixes: ring.currentPrefixes,
      reseal,
    });
  const resealFor = (value: string, row: Record<string, string | null>) =>
    ring.isCurrent(value) ? value : ring.seal(SealedSecrets.isSealed(value) ? ring.open(value, row.owner!) : value, row.owner!);

  it('seals again under the current key every value that is not, more than a page of them, and leaves NULLs and current values alone', async () => {
    await ds.query(`TRUNCATE s.t`);
    const n = 1_203; // three pages of 500
    const ids = Array.from({ length: n }, (_, i) => `r${String(i).padStart(5, '0')}`);
    const current = ring.seal('current', 'o');
    await ds.query(`INSERT INTO s.t SELECT id, 'o', a, b FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, a, b)`, [
      ids,
      ids.map((_, i) => (i % 3 === 0 ? `plain-${i}` : before.seal(`a-${i}`, 'o'))),
      ids.map((_, i) => (i % 2 === 0 ? null : i % 5 === 0 ? current : before.seal(`b-${i}`, 'o'))),
    ]);

    const result = await sweep(resealFor);

    expect(result).toEqual({ resealed: n, failed: 0, left: 0 });
    const after = await rows();
    expect(after).toHaveLength(n);
    for (const [i, r] of after.entries()) {
      expect(ring.isCurrent(r.a)).toBe(true);
      expect(ring.open(r.a, 'o')).toBe(i % 3 === 0 ? `plain-${i}` : `a-${i}`);
      if (i % 2 === 0) expect(r.b).toBeNull();
      else if (i % 5 === 0) expect(r.b).toBe(current);
      else expect(ring.open(r.b!, 'o')).toBe(`b-${i}`);
    }
    expect(await sweep(resealFor)).toEqual({ resealed: 0, failed: 0, left: 0 });
  });

  it('without a rotation under way, seals plaintext and turns v2 values back into v1, and leaves v1 values alone', async () => {
    await ds.query(`TRUNCATE s.t`);
    const v1 = before.seal('v1', 'o'); // under the old key: not opened, not touched
    const v2 = ring.seal('v2', 'o'); // under the new key, from the rotation
    await ds.query(`INSERT INTO s.t VALUES ('z1', 'o', $1, NULL), ('z2', 'o', $2, $3)`, [v1, 'plain', v2]);
    const noRotation = SealedSecrets.derive('test', newKey);

    const result = await resealStoredSecrets(ds, {
      table: 's.t',
      key: 'id',
      sealed: ['a', 'b'],
      context: ['owner'],
      currentPrefixes: noRotation.currentPrefixes,
      reseal: (value, row) =>
        noRotation.isCurrent(value)
          ? value
          : noRotation.seal(SealedSecrets.isSealed(value) ? noRotation.open(value, row.owner!) : value, row.owner!),
    });
    const [z1, z2] = await rows();

    expect(result).toEqual({ resealed: 1, failed: 0, left: 0 });
    expect(z1.a).toBe(v1);
    expect(z2.a).toMatch(/^v1\./);
    expect(noRotation.open(z2.a, 'o')).toBe('plain');
    expect(z2.b).toMatch(/^v1\./);
    expect(noRotation.open(z2.b!, 'o')).toBe('v2');
  });

  it('leaves a row whose value does not open, and counts it', async () => {
    await ds.query(`TRUNCATE s.t`);
    await ds.query(`INSERT INTO s.t VALUES ('x1', 'o', $1, NULL), ('x2', 'o', $2, NULL)`, [
      SealedSecrets.derive('test', randomBytes(32)).seal('lost', 'o'),
      before.seal('kept', 'o'),
    ]);

    expect(await sweep(resealFor)).toEqual({ resealed: 1, failed: 1, left: 1 });
    const [x1, x2] = await rows();
    expect(ring.isCurrent(x1.a)).toBe(false);
    expect(ring.open(x2.a, 'o')).toBe('kept');
  });

  it('does not overwrite a row written while it was sealing (compare-and-set)', async () => {
    await ds.query(`TRUNCATE s.t`);
    await ds.query(`INSERT INTO s.t VALUES ('y1', 'o', $1, NULL), ('y2', 'o', $2, NULL)`, [
      before.seal('old-1', 'o'),
      before.seal('old-2', 'o'),
    ]);
    const written = ring.seal('rotated-meanwhile', 'o');

    const result = await sweep((value, row) => {
      // another replica rotates y1's secret between the sweep's read and its write
      if (row.id === 'y1') void ds.query(`UPDATE s.t SET a = $1 WHERE id = 'y1'`, [written]);
      return resealFor(value, row);
    });
    const [y1, y2] = await rows();

    expect(result.resealed).toBe(1);
    expect(y1.a).toBe(written);
    expect(ring.open(y2.a, 'o')).toBe('old-2');
    expect(ring.isCurrent(y2.a)).toBe(true);
  });
});
