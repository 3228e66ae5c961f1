import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The workspace's secret for signing deliveries to runs' `callback_url`s (they have no endpoint). */
@Entity({ name: 'callback_signers' })
export class CallbackSignerEntity {
  @PrimaryColumn({ type: 'text' })
  workspaceId: string;

  /** Sealed with WEBHOOK_SECRETS_KEY, bound to this row (`SecretSealer`); so is `previousSecret`. */
  @Column({ type: 'text' })
  secret: string;

  @Column({ type: 'text', nullable: true })
  previousSecret: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
