import type { ConnectionStatus } from '@agentry/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What the last failed test met; decides whether a new auth failure is news (a disconnect) or a repeat. */
export type FailureReason = 'auth' | 'expired' | 'unexpected';

/**
 * One connection. `config` holds only the non-secret fields; the secret ones live in
 * `secrets_ciphertext` (AES-256-GCM under the record's data key) and are shown as `secret_masks`.
 */
@Entity({ name: 'connections' })
export class ConnectionEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  workspaceId: string;

  @Column({ type: 'text' })
  platform: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', default: 'untested' })
  status: ConnectionStatus;

  @Column({ type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ type: 'text', nullable: true })
  failureReason: FailureReason | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastTestedAt: Date | null;

  @Column({ type: 'jsonb' })
  config: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  secretMasks: Record<string, unknown>;

  @Column({ type: 'bytea' })
  secretsCiphertext: Buffer;

  @Column({ type: 'bytea' })
  dataKeyWrapped: Buffer;

  @Column({ type: 'text' })
  masterKeyId: string;

  @Column({ type: 'smallint' })
  encryptionVersion: number;

  /** Bumped on every config change: a test result only lands on the config it tested. */
  @Column({ type: 'int', default: 1 })
  revision: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
