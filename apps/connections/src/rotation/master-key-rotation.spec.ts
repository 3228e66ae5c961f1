import { randomBytes } from 'node:crypto';
import { EnvelopeCipher } from '../crypto/envelope-cipher';
import { MasterKey } from '../crypto/master-key';
import { MasterKeyring } from '../crypto/master-keyring';
import { MasterKeyRotation } from './master-key-rotation';
import { Rewrapped, RotationRepository, WrappedKeyRow } from './rotation.repository';

interface Row extends WrappedKeyRow {
  workspaceId: string;
  ciphertext: Buffer;
}

/** The repository's contract over an array: batches by id, compare-and-set swaps. */
class InMemoryRotationRepository {
  constructor(
    readonly rows: Row[],
    private readonly beforeSwap: () => void = () => undefined,
  ) {}

  async nextBatch(primaryId: string, afterId: string, limit: number): Promise<WrappedKeyRow[]> {
    return this.rows
      .filter((r) => r.masterKeyId !== primaryId && r.id > afterId)
      .sort((a, b) => a.id.localeCompare(b.id))
      .slice(0, limit)
      .map((r) => ({ id: r.id, masterKeyId: r.masterKeyId, dataKeyWrapped: r.dataKeyWrapped }));
  }

  async swap(primaryId: string, batch: Rewrapped[]): Promise<number> {
    this.beforeSwap();
    let n = 0;
    for (const b of batch) {
      const row = this.rows.find((r) => r.id === b.id && r.masterKeyId === b.previousKeyId && r.dataKeyWrapped.equals(b.previousWrapped));
      if (!row) continue;
      row.masterKeyId = primaryId;
      row.dataKeyWrapped = b.wrapped;
      n++;
    }
    return n;
  }

  async countByKey(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of this.rows) out[r.masterKeyId] = (out[r.masterKeyId] ?? 0) + 1;
    return out;
  }
}

const key = (id: string): MasterKey => ({ id, key: randomBytes(32) });

function seed(cipher: EnvelopeCipher, count: number, start = 0): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `con_${String(start + i).padStart(26, '0')}`;
    const sealed = cipher.seal({ api_key: `sk-secret-${start + i}` }, { recordId: id, workspaceId: 'wks_1' });
    return { id, workspaceId: 'wks_1', masterKeyId: sealed.masterKeyId, dataKeyWrapped: sealed.wrappedKey, ciphertext: sealed.ciphertext };
  });
}

function readAll(cipher: EnvelopeCipher, rows: Row[]) {
  return rows.map((r) =>
    cipher.open(
      { ciphertext: r.ciphertext, wrappedKey: r.dataKeyWrapped, masterKeyId: r.masterKeyId, version: 1 },
      { recordId: r.id, workspaceId: r.workspaceId },
    ),
  );
}

describe(MasterKeyRotation.name, () => {
  const k1 = key('k1');
  const k2 = key('k2');
  const before = new EnvelopeCipher(new MasterKeyring(k1));
  const during = new EnvelopeCipher(new MasterKeyring(k2, [k1]));
  const after = new EnvelopeCipher(new MasterKeyring(k2));

  it('re-wraps records written before and after the switch, in batches, and the old key is no longer needed', async () => {
    const rows = [...seed(before, 7), ...seed(during, 3, 100)];
    const ciphertexts = rows.map((r) => Buffer.from(r.ciphertext));
    const repo = new InMemoryRotationRepository(rows);

    const report = await new MasterKeyRotation(repo as unknown as RotationRepository, during).run({ batchSize: 3, dryRun: false });

    expect(report).toMatchObject({ primaryKeyId: 'k2', scanned: 7, rewrapped: 7, skippedConcurrent: 0, failed: [], byKey: { k2: 10 } });
    expect(readAll(after, rows).map((s) => s.api_key)).toEqual([...[0, 1, 2, 3, 4, 5, 6], ...[100, 101, 102]].map((i) => `sk-secret-${i}`));
    rows.forEach((r, i) => expect(r.ciphertext.equals(ciphertexts[i])).toBe(true));
  });

  it('is idempotent: a second run finds nothing to do', async () => {
    const repo = new InMemoryRotationRepository(seed(before, 4));
    const sut = new MasterKeyRotation(repo as unknown as RotationRepository, during);
    await sut.run({ batchSize: 2, dryRun: false });

    const again = await sut.run({ batchSize: 2, dryRun: false });

    expect(again).toMatchObject({ scanned: 0, rewrapped: 0, byKey: { k2: 4 } });
  });

  it('reports records whose key is not in the keyring and leaves them alone', async () => {
    const stray = seed(new EnvelopeCipher(new MasterKeyring(key('k0'))), 1, 50);
    const repo = new InMemoryRotationRepository([...seed(before, 2), ...stray]);

    const report = await new MasterKeyRotation(repo as unknown as RotationRepository, during).run({ batchSize: 10, dryRun: false });

    expect(report.rewrapped).toBe(2);
    expect(report.failed).toEqual([
      { id: stray[0].id, masterKeyId: 'k0', reason: expect.stringContaining('Master key "k0" is not configured') },
    ]);
    expect(report.byKey).toEqual({ k2: 2, k0: 1 });
  });

  it('does not overwrite a record the service re-sealed meanwhile', async () => {
    const rows = seed(before, 2);
    const resealed = seed(during, 1)[0];
    const repo = new InMemoryRotationRepository(rows, () =>
      Object.assign(rows[0], { dataKeyWrapped: resealed.dataKeyWrapped, masterKeyId: 'k2' }),
    );

    const report = await new MasterKeyRotation(repo as unknown as RotationRepository, during).run({ batchSize: 10, dryRun: false });

    expect(report).toMatchObject({ rewrapped: 1, skippedConcurrent: 1, byKey: { k2: 2 } });
    expect(rows[0].dataKeyWrapped.equals(resealed.dataKeyWrapped)).toBe(true);
  });

  it('changes nothing in a dry run', async () => {
    const rows = seed(before, 3);
    const repo = new InMemoryRotationRepository(rows);

    const report = await new MasterKeyRotation(repo as unknown as RotationRepository, during).run({ batchSize: 2, dryRun: true });

    expect(report).toMatchObject({ rewrapped: 3, byKey: { k1: 3 } });
  });
});
