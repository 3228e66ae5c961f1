import { AgentRef, AgentsRpc, CreateAgentRequest, ListAgentsQuery } from '@agentry/contracts';
import { Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateAgentUseCase } from './create-agent/create-agent.use-case';
import { GetAgentUseCase } from './get-agent/get-agent.use-case';
import { ListAgentsUseCase } from './list-agents/list-agents.use-case';

@Controller()
export class AgentsHandler {
  constructor(
    private readonly createAgent: CreateAgentUseCase,
    private readonly getAgent: GetAgentUseCase,
    private readonly listAgents: ListAgentsUseCase,
  ) {}

  @MessagePattern(AgentsRpc.create)
  create(@Payload(Rpc(CreateAgentRequest)) { ctx, data }: RpcInput<CreateAgentRequest>) {
    return this.createAgent.execute(ctx, data);
  }

  @MessagePattern(AgentsRpc.get)
  get(@Payload(Rpc(AgentRef)) { ctx, data }: RpcInput<AgentRef>) {
    return this.getAgent.execute(ctx, data.agent);
  }

  @MessagePattern(AgentsRpc.list)
  list(@Payload(Rpc(ListAgentsQuery)) { ctx, data }: RpcInput<ListAgentsQuery>) {
    return this.listAgents.execute(ctx, data);
  }
}
