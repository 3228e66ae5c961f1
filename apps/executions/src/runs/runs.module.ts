import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { CancelRunUseCase } from './cancel-run/cancel-run.use-case';
import { ExecutionsRepository } from './executions.repository';
import { GetExecutionUseCase } from './get-execution/get-execution.use-case';
import { ListExecutionsUseCase } from './list-executions/list-executions.use-case';
import { ListLogsUseCase } from './list-logs/list-logs.use-case';
import { RetryRunUseCase } from './retry-run/retry-run.use-case';
import { RunQuota } from './run-quota';
import { RunsHandler } from './runs.handler';
import { StartRunUseCase } from './start-run/start-run.use-case';

@Module({
  imports: [EngineModule],
  controllers: [RunsHandler],
  providers: [
    ExecutionsRepository,
    RunQuota,
    StartRunUseCase,
    GetExecutionUseCase,
    ListExecutionsUseCase,
    ListLogsUseCase,
    CancelRunUseCase,
    RetryRunUseCase,
  ],
  exports: [ExecutionsRepository],
})
export class RunsModule {}
