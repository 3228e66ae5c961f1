import { ErrorCode, RpcContext, RpcRequest } from '@agentry/contracts';
import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError } from '../errors';
import { parseAndValidate } from '../validation';

export interface RpcInput<T> {
  ctx: RpcContext;
  data: T;
}

/**
 * Validates a NATS request on receipt: `ctx` must name a workspace and `data` must satisfy the
 * contract class (unknown fields rejected), whatever the sender checked before.
 */
@Injectable()
export class RpcPayloadPipe<T extends object> implements PipeTransform<RpcRequest, Promise<RpcInput<T>>> {
  constructor(private readonly cls?: new () => T) {}

  async transform(value: RpcRequest): Promise<RpcInput<T>> {
    if (!value || typeof value !== 'object' || !value.ctx || typeof value.ctx.workspace_id !== 'string') {
      throw new AppError(ErrorCode.INVALID_INPUT, 'Malformed request: missing ctx.workspace_id');
    }
    const data = this.cls ? await parseAndValidate(this.cls, value.data ?? {}) : ((value.data ?? {}) as T);
    return { ctx: value.ctx, data };
  }
}

/** `@Payload(Rpc(CreateAgentRequest)) msg: RpcInput<CreateAgentRequest>` */
export function Rpc<T extends object>(cls?: new () => T): RpcPayloadPipe<T> {
  return new RpcPayloadPipe(cls);
}
