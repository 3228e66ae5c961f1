import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from './agent.entity';
import { AgentVersionEntity } from './agent-version.entity';
import { AgentsHandler } from './agents.handler';
import { AgentsRepository } from './agents.repository';
import { CreateAgentUseCase } from './create-agent/create-agent.use-case';
import { GetAgentUseCase } from './get-agent/get-agent.use-case';
import { ListAgentsUseCase } from './list-agents/list-agents.use-case';

@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity, AgentVersionEntity])],
  controllers: [AgentsHandler],
  providers: [AgentsRepository, CreateAgentUseCase, GetAgentUseCase, ListAgentsUseCase],
})
export class AgentsModule {}
