import { CallToolMessage, ListToolsQuery, ToolsRpc } from '@agentry/contracts';
import { Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CallToolUseCase } from './call-tool/call-tool.use-case';
import { ListToolsUseCase } from './list-tools/list-tools.use-case';

@Controller()
export class ToolsHandler {
  constructor(
    private readonly listTools: ListToolsUseCase,
    private readonly callTool: CallToolUseCase,
  ) {}

  @MessagePattern(ToolsRpc.list)
  list(@Payload(Rpc(ListToolsQuery)) { ctx, data }: RpcInput<ListToolsQuery>) {
    return this.listTools.execute(ctx, data);
  }

  @MessagePattern(ToolsRpc.call)
  call(@Payload(Rpc(CallToolMessage)) { ctx, data }: RpcInput<CallToolMessage>) {
    return this.callTool.execute(ctx, data);
  }
}
