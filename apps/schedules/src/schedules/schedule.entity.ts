import type { CatchupPolicy, OverlapPolicy, ScheduleLastStatus } from '@agentry/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'schedules' })
export class ScheduleEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  workspaceId: string;

  @Column({ type: 'text' })
  agentId: string;

  /** The workspace's plan as of the last API call on the schedule; runs it starts count against that plan. */
  @Column({ type: 'text', nullable: true })
  plan: string | null;

  @Column({ type: 'text', nullable: true })
  cron: string | null;

  @Column({ type: 'int', nullable: true })
  intervalSeconds: number | null;

  @Column({ type: 'text', default: 'UTC' })
  timezone: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'text', nullable: true })
  pausedNote: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  pausedAt: Date | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  input: Record<string, unknown>;

  @Column({ type: 'text', default: 'skip' })
  overlapPolicy: OverlapPolicy;

  @Column({ type: 'text', default: 'latest' })
  catchup: CatchupPolicy;

  @Column({ type: 'int' })
  catchupWindowSeconds: number;

  @Column({ type: 'boolean', default: false })
  agentPaused: boolean;

  /** occurred_at of the last agent event applied, so an older one never undoes a newer one. */
  @Column({ type: 'timestamptz', nullable: true })
  agentStatusAt: Date | null;

  /** The first due time that has not fired yet; kept while paused and recomputed on resume. */
  @Column({ type: 'timestamptz', nullable: true })
  nextRunAt: Date | null;

  @Column({ type: 'text', nullable: true })
  lastFireId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastRunAt: Date | null;

  @Column({ type: 'text', nullable: true })
  lastStatus: ScheduleLastStatus | null;

  @Column({ type: 'text', nullable: true })
  lastExecutionId: string | null;

  @Column({ type: 'int', default: 0 })
  totalRuns: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
