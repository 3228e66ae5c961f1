import { ErrorCode, REQUEST_ID_HEADER, RpcContext, RpcReq, RpcRes, RpcSubject } from '@agentry/contracts';
import { AppError, NATS, NatsHandles, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { GatewayConfig } from '../config/gateway.config';

interface NestReply {
  id?: string;
  response?: unknown;
  err?: unknown;
}

let seq = 0;

/**
 * Request/reply to the services in the framing of @nestjs/microservices' NATS transport
 * (`{ pattern, data, id }` → `{ id, response | err }`), over the shared connection's mux inbox
 * rather than ClientProxy's inbox per request. Types come from the contracts' RpcMap.
 */
@Injectable()
export class RpcClient {
  constructor(
    @Inject(NATS) private readonly nats: NatsHandles,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async call<S extends RpcSubject>(subject: S, data: RpcReq<S>, ctx: RpcContext, timeoutMs?: number): Promise<RpcRes<S>> {
    const h = natsHeaders();
    h.set(REQUEST_ID_HEADER, ctx.request_id);
    const id = String(++seq);
    let reply: NestReply;
    try {
      const msg = await this.nats.nc.request(subject, JSON.stringify({ pattern: subject, data: { ctx, data }, id }), {
        timeout: timeoutMs ?? this.config.RPC_TIMEOUT_MS,
        headers: h,
      });
      reply = msg.json<NestReply>();
    } catch (err) {
      const e = err as Error;
      const noResponders = e.name === 'NoRespondersError' || /no responders|503/i.test(e.message);
      throw new AppError(
        ErrorCode.SERVICE_UNAVAILABLE,
        noResponders
          ? `The ${subject.split('.')[0]} service is not running`
          : `The ${subject.split('.')[0]} service did not answer in time`,
      );
    }
    if (reply.err !== undefined && reply.err !== null) throw AppError.fromPayload(reply.err);
    return reply.response as RpcRes<S>;
  }
}
