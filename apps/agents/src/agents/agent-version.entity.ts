import type { AgentDefinitionDto } from '@agentry/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'agent_versions' })
export class AgentVersionEntity {
  @PrimaryColumn({ type: 'text' })
  agentId: string;

  @PrimaryColumn({ type: 'int' })
  version: number;

  @Column({ type: 'jsonb' })
  definition: AgentDefinitionDto;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
