import { CoreModule } from '@agentry/common';
import { Module } from '@nestjs/common';
import { AgentsModule } from './agents/agents.module';
import { HooksModule } from './hooks/hooks.module';
import { AgentsConfig } from './config/agents.config';
import { AgentEntity } from './agents/agent.entity';
import { AgentVersionEntity } from './agents/agent-version.entity';
import { migrations } from './database/migrations';

@Module({
  imports: [
    CoreModule.forRoot({ name: 'agents', config: AgentsConfig, entities: [AgentEntity, AgentVersionEntity], migrations }),
    AgentsModule,
    HooksModule,
  ],
})
export class AppModule {}
