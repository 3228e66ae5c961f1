import { RpcReq, RpcRes, RpcSubject } from '@agentry/contracts';
import { NATS, NatsHandles, natsRpc, RequestContext } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';

/** Requests to other services (agents for a fresh agent, connections for credentials) as `system:executions`. */
@Injectable()
export class ServiceRpcClient {
  constructor(@Inject(NATS) private readonly nats: NatsHandles) {}

  call<S extends RpcSubject>(subject: S, data: RpcReq<S>, workspaceId: string, timeoutMs = 5_000): Promise<RpcRes<S>> {
    const ctx = { workspace_id: workspaceId, request_id: RequestContext.requestId() ?? 'req_executions', actor: 'system:executions' };
    return natsRpc(this.nats.nc, subject, data, ctx, timeoutMs);
  }
}
