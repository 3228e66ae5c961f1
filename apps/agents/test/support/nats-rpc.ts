import { EVENTS_STREAM, EventEnvelope, REQUEST_ID_HEADER, RpcErrorPayload, RpcMap, RpcSubject } from '@agentry/contracts';
import { jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import { connect, headers, NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';

export type RpcOutcome<T> = { ok: true; data: T } | { ok: false; error: RpcErrorPayload };

/** One frame of a reply from a @nestjs/microservices NATS server. */
interface NestReply {
  id: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

/**
 * Talks to a service the way the gateway's ClientProxy does: @nestjs/microservices 12 frames a request as
 * `{ pattern, data, id }` (NatsRecordSerializer) and answers `{ id, response }` or `{ id, err }`
 * (with `isDisposed` merged into the last frame).
 */
export class NatsRpcClient {
  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
  ) {}

  static async connect(url: string): Promise<NatsRpcClient> {
    const nc = await connect({ servers: url, name: 'agents-int-spec' });
    return new NatsRpcClient(nc, await jetstreamManager(nc));
  }

  async call<S extends RpcSubject>(
    subject: S,
    workspaceId: string,
    data: RpcMap[S]['req'] | object,
  ): Promise<RpcOutcome<RpcMap[S]['res']>> {
    const requestId = `req_${randomUUID()}`;
    const h = headers();
    h.set(REQUEST_ID_HEADER, requestId);
    const id = randomUUID();
    const body = JSON.stringify({
      pattern: subject,
      data: { ctx: { workspace_id: workspaceId, request_id: requestId, actor: 'key_test' }, data },
      id,
    });
    const msg = await this.nc.request(subject, body, { timeout: 10_000, headers: h });
    const reply = msg.json<NestReply>();
    if (reply.id !== id) throw new Error(`reply for another request: ${reply.id}`);
    if (reply.err !== undefined && reply.err !== null) return { ok: false, error: reply.err as RpcErrorPayload };
    return { ok: true, data: reply.response as RpcMap[S]['res'] };
  }

  /** Like call(), but a failure throws with the error payload in the message. */
  async ok<S extends RpcSubject>(subject: S, workspaceId: string, data: RpcMap[S]['req'] | object): Promise<RpcMap[S]['res']> {
    const out = await this.call(subject, workspaceId, data);
    if (!out.ok) throw new Error(`${subject} failed: ${JSON.stringify(out.error)}`);
    return out.data;
  }

  /** Every message on the events stream, oldest first. */
  async events(): Promise<(EventEnvelope & { subject: string })[]> {
    const { state } = await this.jsm.streams.info(EVENTS_STREAM);
    const out: (EventEnvelope & { subject: string })[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const m = await this.jsm.streams.getMessage(EVENTS_STREAM, { seq });
      if (m) out.push({ subject: m.subject, ...m.json<EventEnvelope>() });
    }
    return out;
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }
}
