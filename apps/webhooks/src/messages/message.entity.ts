import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One event as delivered: `payload` holds the exact bytes that are signed and sent on every attempt. */
@Entity({ name: 'messages' })
export class MessageEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  workspaceId: string;

  @Column({ type: 'text' })
  eventType: string;

  /** The domain event it came from; null for test messages. */
  @Column({ type: 'text', nullable: true })
  sourceEventId: string | null;

  @Column({ type: 'text' })
  payload: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
