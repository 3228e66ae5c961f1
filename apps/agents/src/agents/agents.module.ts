import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from './agent.entity';
import { AgentVersionEntity } from './agent-version.entity';
import { AgentsHandler } from './agents.handler';
import { AgentsRepository } from './agents.repository';
import { CreateAgentUseCase } from './create-agent/create-agent.use-case';
import { DefinitionValidator } from './definition/definition-validator';
import { DeleteAgentUseCase } from './delete-agent/delete-agent.use-case';
import { GetAgentUseCase } from './get-agent/get-agent.use-case';
import { ListAgentsUseCase } from './list-agents/list-agents.use-case';
import { ListTemplatesUseCase } from './list-templates/list-templates.use-case';
import { ListVersionsUseCase } from './list-versions/list-versions.use-case';
import { SetAgentStatusUseCase } from './set-agent-status/set-agent-status.use-case';
import { UpdateAgentUseCase } from './update-agent/update-agent.use-case';
import { UseTemplateUseCase } from './use-template/use-template.use-case';

@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity, AgentVersionEntity])],
  controllers: [AgentsHandler],
  providers: [
    AgentsRepository,
    DefinitionValidator,
    CreateAgentUseCase,
    GetAgentUseCase,
    ListAgentsUseCase,
    UpdateAgentUseCase,
    DeleteAgentUseCase,
    SetAgentStatusUseCase,
    ListVersionsUseCase,
    ListTemplatesUseCase,
    UseTemplateUseCase,
  ],
})
export class AgentsModule {}
