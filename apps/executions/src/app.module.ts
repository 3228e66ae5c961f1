import { CoreModule } from '@agentry/common';
import { Module } from '@nestjs/common';
import { ExecutionsConfig } from './config/executions.config';
import { migrations } from './database/migrations';
import { ApprovalsModule } from './approvals/approvals.module';
import { RunsModule } from './runs/runs.module';
import { StatsModule } from './stats/stats.module';

@Module({
  imports: [
    CoreModule.forRoot({ name: 'executions', config: ExecutionsConfig, entities: [], migrations }),
    RunsModule,
    ApprovalsModule,
    StatsModule,
  ],
})
export class AppModule {}
