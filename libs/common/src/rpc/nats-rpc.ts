import { ErrorCode, REQUEST_ID_HEADER, RpcContext, RpcReq, RpcRes, RpcSubject } from '@agentry/contracts';
import { headers as natsHeaders, NatsConnection } from '@nats-io/transport-node';
import { AppError } from '../errors';

interface NestReply {
  id?: string;
  response?: unknown;
  err?: unknown;
}

let seq = 0;

/**
 * One request to a service in the framing of @nestjs/microservices' NATS transport
 * (`{ pattern, data: { ctx, data }, id }` → `{ id, response | err }`), over the connection's shared mux
 * inbox rather than ClientProxy's inbox per request; the request id travels as a header. Typed by the
 * contracts' RpcMap. A service error comes back as its AppError; no responder or no answer in time is
 * SERVICE_UNAVAILABLE. The gateway and every service-to-service client call this.
 */
export async function natsRpc<S extends RpcSubject>(
  nc: NatsConnection,
  subject: S,
  data: RpcReq<S>,
  ctx: RpcContext,
  timeoutMs: number,
): Promise<RpcRes<S>> {
  const h = natsHeaders();
  h.set(REQUEST_ID_HEADER, ctx.request_id);
  let reply: NestReply;
  try {
    const msg = await nc.request(subject, JSON.stringify({ pattern: subject, data: { ctx, data }, id: String(++seq) }), {
      timeout: timeoutMs,
      headers: h,
    });
    reply = msg.json<NestReply>();
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
