import {
  ExecutionRef,
  ExecutionsRpc,
  ListExecutionLogsMessage,
  ListExecutionsQuery,
  RetryRunMessage,
  StartRunMessage,
} from '@agentry/contracts';
import { Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CancelRunUseCase } from './cancel-run/cancel-run.use-case';
import { GetExecutionUseCase } from './get-execution/get-execution.use-case';
import { ListExecutionsUseCase } from './list-executions/list-executions.use-case';
import { ListLogsUseCase } from './list-logs/list-logs.use-case';
import { RetryRunUseCase } from './retry-run/retry-run.use-case';
import { StartRunUseCase } from './start-run/start-run.use-case';

@Controller()
export class RunsHandler {
  constructor(
    private readonly startRun: StartRunUseCase,
    private readonly getExecution: GetExecutionUseCase,
    private readonly listExecutions: ListExecutionsUseCase,
    private readonly listLogs: ListLogsUseCase,
    private readonly cancelRun: CancelRunUseCase,
    private readonly retryRun: RetryRunUseCase,
  ) {}

  @MessagePattern(ExecutionsRpc.start)
  start(@Payload(Rpc(StartRunMessage)) { ctx, data }: RpcInput<StartRunMessage>) {
    return this.startRun.execute(ctx, data);
  }

  @MessagePattern(ExecutionsRpc.get)
  get(@Payload(Rpc(ExecutionRef)) { ctx, data }: RpcInput<ExecutionRef>) {
    return this.getExecution.execute(ctx, data.execution);
  }

  @MessagePattern(ExecutionsRpc.streamState)
  streamState(@Payload(Rpc(ExecutionRef)) { ctx, data }: RpcInput<ExecutionRef>) {
    return this.getExecution.state(ctx, data.execution);
  }

  @MessagePattern(ExecutionsRpc.list)
  list(@Payload(Rpc(ListExecutionsQuery)) { ctx, data }: RpcInput<ListExecutionsQuery>) {
    return this.listExecutions.execute(ctx, data);
  }

  @MessagePattern(ExecutionsRpc.logs)
  logs(@Payload(Rpc(ListExecutionLogsMessage)) { ctx, data }: RpcInput<ListExecutionLogsMessage>) {
    return this.listLogs.execute(ctx, data);
  }

  @MessagePattern(ExecutionsRpc.cancel)
  cancel(@Payload(Rpc(ExecutionRef)) { ctx, data }: RpcInput<ExecutionRef>) {
    return this.cancelRun.execute(ctx, data.execution);
  }

  @MessagePattern(ExecutionsRpc.retry)
  retry(@Payload(Rpc(RetryRunMessage)) { ctx, data }: RpcInput<RetryRunMessage>) {
    return this.retryRun.execute(ctx, data);
  }
}
