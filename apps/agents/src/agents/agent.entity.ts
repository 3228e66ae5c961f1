import type { AgentDefinitionDto, AgentLlmDefaultsDto, AgentStatus } from '@agentry/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'agents' })
export class AgentEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  workspaceId: string;

  @Column({ type: 'text' })
  slug: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'text', default: 'active' })
  status: AgentStatus;

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column({ type: 'jsonb' })
  definition: AgentDefinitionDto;

  @Column({ type: 'jsonb', nullable: true })
  llm: AgentLlmDefaultsDto | null;

  @Column({ type: 'int', default: 10 })
  maxConcurrency: number;

  @Column({ type: 'int', nullable: true })
  maxTokensPerRun: number | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
