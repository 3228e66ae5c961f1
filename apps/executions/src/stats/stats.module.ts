import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { GetAgentStatsUseCase } from './get-agent-stats.use-case';
import { StatsHandler } from './stats.handler';
import { StatsRepository } from './stats.repository';

@Module({
  imports: [EngineModule],
  controllers: [StatsHandler],
  providers: [StatsRepository, GetAgentStatsUseCase],
})
export class StatsModule {}
