import {
  AgentRef,
  AgentsRpc,
  AgentVersionsQuery,
  CreateAgentRequest,
  ListAgentsQuery,
  UpdateAgentMessage,
  UseTemplateMessage,
} from '@agentry/contracts';
import { Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateAgentUseCase } from './create-agent/create-agent.use-case';
import { DeleteAgentUseCase } from './delete-agent/delete-agent.use-case';
import { GetAgentUseCase } from './get-agent/get-agent.use-case';
import { ListAgentsUseCase } from './list-agents/list-agents.use-case';
import { ListTemplatesUseCase } from './list-templates/list-templates.use-case';
import { ListVersionsUseCase } from './list-versions/list-versions.use-case';
import { SetAgentStatusUseCase } from './set-agent-status/set-agent-status.use-case';
import { UpdateAgentUseCase } from './update-agent/update-agent.use-case';
import { UseTemplateUseCase } from './use-template/use-template.use-case';

/** Serves every subject of AgentsRpcMap. */
@Controller()
export class AgentsHandler {
  constructor(
    private readonly createAgent: CreateAgentUseCase,
    private readonly getAgent: GetAgentUseCase,
    private readonly listAgents: ListAgentsUseCase,
    private readonly updateAgent: UpdateAgentUseCase,
    private readonly deleteAgent: DeleteAgentUseCase,
    private readonly setStatus: SetAgentStatusUseCase,
    private readonly listVersions: ListVersionsUseCase,
    private readonly listTemplates: ListTemplatesUseCase,
    private readonly useTemplate: UseTemplateUseCase,
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

  @MessagePattern(AgentsRpc.update)
  update(@Payload(Rpc(UpdateAgentMessage)) { ctx, data }: RpcInput<UpdateAgentMessage>) {
    return this.updateAgent.execute(ctx, data.agent, data.patch);
  }

  @MessagePattern(AgentsRpc.delete)
  delete(@Payload(Rpc(AgentRef)) { ctx, data }: RpcInput<AgentRef>) {
    return this.deleteAgent.execute(ctx, data.agent);
  }

  @MessagePattern(AgentsRpc.pause)
  pause(@Payload(Rpc(AgentRef)) { ctx, data }: RpcInput<AgentRef>) {
    return this.setStatus.execute(ctx, data.agent, 'paused');
  }

  @MessagePattern(AgentsRpc.resume)
  resume(@Payload(Rpc(AgentRef)) { ctx, data }: RpcInput<AgentRef>) {
    return this.setStatus.execute(ctx, data.agent, 'active');
  }

  @MessagePattern(AgentsRpc.versions)
  versions(@Payload(Rpc(AgentVersionsQuery)) { ctx, data }: RpcInput<AgentVersionsQuery>) {
    return this.listVersions.execute(ctx, data);
  }

  @MessagePattern(AgentsRpc.listTemplates)
  templates(@Payload(Rpc()) _msg: RpcInput<Record<string, never>>) {
    return this.listTemplates.execute();
  }

  @MessagePattern(AgentsRpc.useTemplate)
  fromTemplate(@Payload(Rpc(UseTemplateMessage)) { ctx, data }: RpcInput<UseTemplateMessage>) {
    return this.useTemplate.execute(ctx, data);
  }
}
