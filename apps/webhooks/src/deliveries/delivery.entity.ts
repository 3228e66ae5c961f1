import type { DeliveryStatus } from '@agentry/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A message on its way to one endpoint (or one run callback). Due when `next_attempt_at <= now()`. */
@Entity({ name: 'deliveries' })
export class DeliveryEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  workspaceId: string;

  @Column({ type: 'text' })
  messageId: string;

  @Column({ type: 'text', nullable: true })
  endpointId: string | null;

  @Column({ type: 'text', nullable: true })
  callbackUrl: string | null;

  /** What concurrency, rate limit and circuit breaker are counted on: the endpoint id, or `cb:<host>`. */
  @Column({ type: 'text' })
  targetKey: string;

  @Column({ type: 'text' })
  eventType: string;

  @Column({ type: 'text', default: 'pending' })
  status: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attemptCount: number;

  /** Position in the retry schedule of the next attempt; a manual retry or recover starts it again. */
  @Column({ type: 'int', default: 0 })
  scheduleStep: number;

  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  /** Set when a dispatcher claims the delivery; its result is written only while it still holds it. */
  @Column({ type: 'text', nullable: true })
  leaseId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @Column({ type: 'int', nullable: true })
  lastStatusCode: number | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
