import { ErrorCode, REQUEST_ID_HEADER, RpcContext, RpcReq, RpcRes, RpcSubject } from '@agentry/contracts';
import { AppError, NATS, NatsHandles, RequestContext } from '@agentry/common';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { Inject, Injectable } from '@nestjs/common';

let seq = 0;

/**
 * Requests to other services (agents for a fresh agent, connections for credentials), framed like
 * @nestjs/microservices' NATS transport and typed by the contracts' RpcMap, as the gateway does.
 */
@Injectable()
export class ServiceRpcClient {
  constructor(@Inject(NATS) private readonly nats: NatsHandles) {}

  async call<S extends RpcSubject>(subject: S, data: RpcReq<S>, workspaceId: string, timeoutMs = 5_000): Promise<RpcRes<S>> {
    const requestId = RequestContext.requestId() ?? 'req_executions';
    const ctx: RpcContext = { workspace_id: workspaceId, request_id: requestId, actor: 'system:executions' };
    const h = natsHeaders();
    h.set(REQUEST_ID_HEADER, requestId);
    let reply: { response?: unknown; err?: unknown };
    try {
      const msg = await this.nats.nc.request(subject, JSON.stringify({ pattern: subject, data: { ctx, data }, id: `exe-${++seq}` }), {
        timeout: timeoutMs,
        headers: h,
      });
      reply = msg.json();
    } catch (err) {
      const e = err as Error;
      const down = e.name === 'NoRespondersError' || /no responders|503/i.test(e.message);
      const service = subject.split('.')[0];
      throw new AppError(
        ErrorCode.SERVICE_UNAVAILABLE,
        down ? `The ${service} service is not running` : `The ${service} service did not answer in time`,
      );
    }
    if (reply.err !== undefined && reply.err !== null) throw AppError.fromPayload(reply.err);
    return reply.response as RpcRes<S>;
  }
}
