import { Type } from 'class-transformer';
import { IsArray, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';

/** Who is asking: travels with every request from the gateway to a service. */
export class RpcContext {
  @IsString()
  workspace_id: string;

  @IsString()
  request_id: string;

  /** API key id (`key_…`) or a system actor such as `system:schedules`. */
  @IsString()
  @IsOptional()
  actor?: string;

  @IsArray()
  @IsString({ each: true })
  @IsOptional()
  scopes?: string[];

  /** The workspace's plan (free, pro, enterprise), for plan limits such as runs per day. */
  @IsString()
  @IsOptional()
  plan?: string;
}

/** Every NATS request is `{ ctx, data }`. */
export class RpcRequest<T = unknown> {
  @ValidateNested()
  @Type(() => RpcContext)
  ctx: RpcContext;

  @IsObject()
  data: T;
}

/** NATS header carrying the request id across services. */
export const REQUEST_ID_HEADER = 'x-request-id';
