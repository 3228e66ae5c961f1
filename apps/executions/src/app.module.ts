import { CoreModule } from '@agentry/common';
import { Module } from '@nestjs/common';
import { ExecutionsConfig } from './config/executions.config';
import { migrations } from './database/migrations';
import { RunsModule } from './runs/runs.module';

@Module({
  imports: [CoreModule.forRoot({ name: 'executions', config: ExecutionsConfig, entities: [], migrations }), RunsModule],
})
export class AppModule {}
