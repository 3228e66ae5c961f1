import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ToolCallStatus = 'succeeded' | 'tool_error' | 'failed';

/**
 * The audit of one tool call: who, which tool, with which connection, when, the outcome and how long
 * it took. Never the argument values or the result (they may hold personal data or secrets): only
 * the argument names.
 */
@Entity({ name: 'tool_calls' })
export class ToolCallEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text' }) workspaceId: string;
  @Column({ type: 'text' }) tool: string;
  @Column({ type: 'text', nullable: true }) source: string | null;
  @Column({ type: 'text', nullable: true }) connectionId: string | null;
  /** The API key (`key_…`) or the service (`system:executions`) that asked. */
  @Column({ type: 'text', nullable: true }) actor: string | null;
  @Column({ type: 'text', nullable: true }) requestId: string | null;
  @Column({ type: 'text', nullable: true }) executionId: string | null;
  @Column({ type: 'text', nullable: true }) stepId: string | null;
  @Column({ type: 'text' }) status: ToolCallStatus;
  @Column({ type: 'text', nullable: true }) errorCode: string | null;
  @Column({ type: 'text', nullable: true }) errorMessage: string | null;
  @Column({ type: 'text', array: true }) argumentNames: string[];
  @Column({ type: 'timestamptz' }) startedAt: Date;
  @Column({ type: 'int' }) durationMs: number;
}
