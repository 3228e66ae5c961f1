import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per (consumer, event) handled: what makes a redelivered event a no-op. */
@Entity({ name: 'processed_events' })
export class ProcessedEventEntity {
  @PrimaryColumn({ type: 'text' })
  consumer: string;

  @PrimaryColumn({ type: 'text' })
  eventId: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  processedAt: Date;
}
