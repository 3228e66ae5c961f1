import type { ExecutionStatus, FireState, FireTrigger } from '@agentry/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One due time of a schedule (a row of schedule_runs) and what became of it. */
@Entity({ name: 'schedule_runs' })
export class ScheduleFireEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  scheduleId: string;

  @Column({ type: 'text' })
  workspaceId: string;

  @Column({ type: 'text' })
  agentId: string;

  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @Column({ type: 'text' })
  trigger: FireTrigger;

  @Column({ type: 'text' })
  state: FireState;

  /** pending, buffered, or started with a run that has not ended: what overlap policies look at. */
  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ type: 'jsonb' })
  input: Record<string, unknown>;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** A pending fire is (re)tried from then on; also the lease of the replica starting it. */
  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  error: { code: string; message: string } | null;

  @Column({ type: 'text', nullable: true })
  executionId: string | null;

  @Column({ type: 'text', nullable: true })
  executionStatus: ExecutionStatus | null;

  @Column({ type: 'timestamptz', nullable: true })
  executionStatusAt: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  /** When the reconcile last asked the executions service about the run (in case its events were lost). */
  @Column({ type: 'timestamptz', nullable: true })
  statusCheckedAt: Date | null;
}
