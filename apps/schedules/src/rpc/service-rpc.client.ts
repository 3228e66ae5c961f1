import { ErrorCode, REQUEST_ID_HEADER, RpcContext, RpcReq, RpcRes, RpcSubject } from '@agentry/contracts';
import { AppError, NATS, NatsHandles, RequestContext } from '@agentry/common';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { Inject, Injectable } from '@nestjs/common';

let seq = 0;

/**
 * Requests to other services (agents to check an agent, executions to start a run) in the framing of
 * @nestjs/microservices' NATS transport (`{ pattern, data, id }` → `{ id, response | err }`), over the
 * shared connection's mux inbox, typed by the contracts' RpcMap.
 */
@Injectable()
export class ServiceRpcClient {
  constructor(@Inject(NATS) private readonly nats: NatsHandles) {}

  async call<S extends RpcSubject>(
    subject: S,
    data: RpcReq<S>,
    ctx: { workspace_id: string; request_id?: string; plan?: string },
    timeoutMs = 10_000,
  ): Promise<RpcRes<S>> {
    const requestId = ctx.request_id ?? RequestContext.requestId() ?? 'req_schedules';
    const full: RpcContext = {
      workspace_id: ctx.workspace_id,
      request_id: requestId,
      actor: 'system:schedules',
      ...(ctx.plan ? { plan: ctx.plan } : {}),
    };
    const h = natsHeaders();
    h.set(REQUEST_ID_HEADER, requestId);
    let reply: { response?: unknown; err?: unknown };
    try {
      const msg = await this.nats.nc.request(subject, JSON.stringify({ pattern: subject, data: { ctx: full, data }, id: `sch-${++seq}` }), {
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
