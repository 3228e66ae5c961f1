import { AgentStatsMessage, ExecutionsRpc } from '@agentry/contracts';
import { Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetAgentStatsUseCase } from './get-agent-stats.use-case';

@Controller()
export class StatsHandler {
  constructor(private readonly stats: GetAgentStatsUseCase) {}

  @MessagePattern(ExecutionsRpc.stats)
  get(@Payload(Rpc(AgentStatsMessage)) { ctx, data }: RpcInput<AgentStatsMessage>) {
    return this.stats.execute(ctx, data);
  }
}
