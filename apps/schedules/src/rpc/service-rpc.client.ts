import { RpcContext, RpcReq, RpcRes, RpcSubject } from '@agentry/contracts';
import { NATS, NatsHandles, natsRpc, RequestContext } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';

/** Requests to other services (agents to check an agent, executions to start a run) as `system:schedules`. */
@Injectable()
export class ServiceRpcClient {
  constructor(@Inject(NATS) private readonly nats: NatsHandles) {}

  call<S extends RpcSubject>(
    subject: S,
    data: RpcReq<S>,
    ctx: { workspace_id: string; request_id?: string; plan?: string },
    timeoutMs = 10_000,
  ): Promise<RpcRes<S>> {
    const full: RpcContext = {
      workspace_id: ctx.workspace_id,
      request_id: ctx.request_id ?? RequestContext.requestId() ?? 'req_schedules',
      actor: 'system:schedules',
      ...(ctx.plan ? { plan: ctx.plan } : {}),
    };
    return natsRpc(this.nats.nc, subject, data, full, timeoutMs);
  }
}
