import { DecryptionError, EnvelopeCipher } from '../crypto/envelope-cipher';
import { Rewrapped, RotationRepository } from './rotation.repository';

export interface RotationOptions {
  batchSize: number;
  dryRun: boolean;
}

export interface RotationReport {
  primaryKeyId: string;
  /** Records found under another master key. */
  scanned: number;
  rewrapped: number;
  /** Changed by the service while we worked (re-sealed under its primary, or deleted). */
  skippedConcurrent: number;
  failed: { id: string; masterKeyId: string; reason: string }[];
  /** Records per master key id after the run. */
  byKey: Record<string, number>;
}

/**
 * Re-wraps every record's data key under the primary master key, batch by batch, while the service
 * keeps running: the secrets' ciphertext is untouched, each swap is compare-and-set, and a second
 * run finds nothing to do. Records whose key is not in the keyring are reported, not touched.
 */
export class MasterKeyRotation {
  constructor(
    private readonly repo: RotationRepository,
    private readonly cipher: EnvelopeCipher,
    private readonly progress: (line: string) => void = () => undefined,
  ) {}

  async run(options: RotationOptions): Promise<RotationReport> {
    const primaryKeyId = this.cipher.primaryKeyId;
    const report: RotationReport = { primaryKeyId, scanned: 0, rewrapped: 0, skippedConcurrent: 0, failed: [], byKey: {} };
    let after = '';
    for (;;) {
      const rows = await this.repo.nextBatch(primaryKeyId, after, options.batchSize);
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      report.scanned += rows.length;
      const batch: Rewrapped[] = [];
      for (const row of rows) {
        try {
          const next = this.cipher.rewrap({ wrappedKey: row.dataKeyWrapped, masterKeyId: row.masterKeyId }, row.id);
          if (next)
            batch.push({ id: row.id, previousKeyId: row.masterKeyId, previousWrapped: row.dataKeyWrapped, wrapped: next.wrappedKey });
        } catch (err) {
          if (!(err instanceof DecryptionError)) throw err;
          report.failed.push({ id: row.id, masterKeyId: row.masterKeyId, reason: err.message });
        }
      }
      const swapped = options.dryRun ? batch.length : await this.repo.swap(primaryKeyId, batch);
      report.rewrapped += swapped;
      report.skippedConcurrent += batch.length - swapped;
      this.progress(`${options.dryRun ? 'would re-wrap' : 're-wrapped'} ${report.rewrapped} of ${report.scanned} records so far`);
    }
    report.byKey = await this.repo.countByKey();
    return report;
  }
}
