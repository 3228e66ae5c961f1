import { ErrorCode, RpcContext, RpcRequest } from '@agentry/contracts';
import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError } from '../errors';
import { parseAndValidate } from '../validation';

export interface RpcInput<T> {
  ctx: RpcContext;
  data: T;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * What is wrong with a request's `ctx`, or null. Its fields are typed here by hand (it is on every request's path):
 * a handler that tests `ctx.actor` against a pattern must get a string, not an array or object that a
 * regular expression would coerce (security review M1).
 */
export function malformedContext(ctx: unknown): string | null {
  if (!ctx || typeof ctx !== 'object' || Array.isArray(ctx)) return 'ctx must be an object';
  const c = ctx as Record<string, unknown>;
  if (!isString(c.workspace_id)) return 'missing ctx.workspace_id';
  if (c.request_id !== undefined && !isString(c.request_id)) return 'ctx.request_id must be a string';
  if (c.actor !== undefined && c.actor !== null && !isString(c.actor)) return 'ctx.actor must be a string';
  if (c.scopes !== undefined && !(Array.isArray(c.scopes) && c.scopes.every(isString))) return 'ctx.scopes must be strings';
  if (c.plan !== undefined && !isString(c.plan)) return 'ctx.plan must be a string';
  return null;
}

/**
 * Validates a NATS request on receipt: `ctx` must name a workspace (and its other fields have their types) and
 * `data` must satisfy the contract class (unknown fields rejected), whatever the sender checked before.
 */
@Injectable()
export class RpcPayloadPipe<T extends object> implements PipeTransform<RpcRequest, Promise<RpcInput<T>>> {
  constructor(private readonly cls?: new () => T) {}

  async transform(value: RpcRequest): Promise<RpcInput<T>> {
    const problem = !value || typeof value !== 'object' ? 'not an object' : malformedContext(value.ctx);
    if (problem) throw new AppError(ErrorCode.INVALID_INPUT, `Malformed request: ${problem}`);
    const data = this.cls ? await parseAndValidate(this.cls, value.data ?? {}) : ((value.data ?? {}) as T);
    return { ctx: value.ctx, data };
  }
}

/** `@Payload(Rpc(CreateAgentRequest)) msg: RpcInput<CreateAgentRequest>` */
export function Rpc<T extends object>(cls?: new () => T): RpcPayloadPipe<T> {
  return new RpcPayloadPipe(cls);
}
