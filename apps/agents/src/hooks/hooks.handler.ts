import { AgentRef, HooksRpc, ResolveHookRequest } from '@agentry/contracts';
import { Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { HooksUseCase } from './hooks.use-case';

@Controller()
export class HooksHandler {
  constructor(private readonly hooks: HooksUseCase) {}

  @MessagePattern(HooksRpc.get)
  get(@Payload(Rpc(AgentRef)) { ctx, data }: RpcInput<AgentRef>) {
    return this.hooks.get(ctx, data.agent);
  }

  @MessagePattern(HooksRpc.rotate)
  rotate(@Payload(Rpc(AgentRef)) { ctx, data }: RpcInput<AgentRef>) {
    return this.hooks.rotate(ctx, data.agent);
  }

  /** Gateway only: ctx names no workspace yet (the hook id is all the caller knows). */
  @MessagePattern(HooksRpc.resolve)
  resolve(@Payload(Rpc(ResolveHookRequest)) { data }: RpcInput<ResolveHookRequest>) {
    return this.hooks.resolve(data.hook_id);
  }
}
