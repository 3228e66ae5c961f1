import { CoreModule } from '@agentry/common';
import { Module } from '@nestjs/common';
import { ExecutionsConfig } from './config/executions.config';
import { migrations } from './database/migrations';
import { ApprovalsModule } from './approvals/approvals.module';
import { RunsModule } from './runs/runs.module';
import { StatsModule } from './stats/stats.module';

@Module({
  imports: [
    CoreModule.forRoot({
      name: 'executions',
      config: ExecutionsConfig,
      entities: [],
      migrations,
      // The hot statements are planned for each call's arguments: generic plans cached while the tables were
      // small kept scanning them whole as they grew (ADR 0003). Named statements still skip parsing.
      sessionSettings: { plan_cache_mode: 'force_custom_plan' },
    }),
    RunsModule,
    ApprovalsModule,
    StatsModule,
  ],
})
export class AppModule {}
