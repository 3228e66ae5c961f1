import type { EndpointStatus } from '@agentry/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'endpoints' })
export class EndpointEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  workspaceId: string;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', array: true })
  eventTypes: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  agentIds: string[];

  @Column({ type: 'text', default: 'enabled' })
  status: EndpointStatus;

  @Column({ type: 'text', nullable: true })
  disabledReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /** Sealed with WEBHOOK_SECRETS_KEY, bound to this row (`SecretSealer`); so is `previousSecret`. */
  @Column({ type: 'text' })
  secret: string;

  @Column({ type: 'text', nullable: true })
  previousSecret: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column({ type: 'int', nullable: true })
  rateLimitPerSecond: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  failingSince: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
