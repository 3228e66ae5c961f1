import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  workspaceId: string;

  @Column({ type: 'text' })
  name: string;

  /** SHA-256 of the key: keys are 190+ bits of randomness, so a fast hash is enough and lookups stay O(1). */
  @Column({ type: 'text' })
  keyHash: string;

  /** First characters, shown in lists so a person can tell keys apart. */
  @Column({ type: 'text' })
  keyPrefix: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  @Column({ type: 'boolean', default: false })
  instanceAdmin: boolean;

  /** Registered from AGENTRY_BOOTSTRAP_API_KEY: a new bootstrap key revokes the others that are. */
  @Column({ type: 'boolean', default: false })
  isBootstrap: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
