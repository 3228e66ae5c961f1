import { REQUEST_ID_HEADER, RpcErrorPayload, RpcMap, RpcSubject } from '@agentry/contracts';
import { connect, headers, NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';

export type RpcOutcome<T> = { ok: true; data: T } | { ok: false; error: RpcErrorPayload };

/** Calls a service as the gateway does: `{ pattern, data: { ctx, data }, id }` → `{ id, response | err }`. */
export class NatsRpc {
  private constructor(readonly nc: NatsConnection) {}

  static async connect(url: string): Promise<NatsRpc> {
    return new NatsRpc(await connect({ servers: url, name: 'schedules-int-spec' }));
  }

  async call<S extends RpcSubject>(
    subject: S,
    workspaceId: string,
    data: RpcMap[S]['req'] | object,
    plan = 'pro',
  ): Promise<RpcOutcome<RpcMap[S]['res']>> {
    const requestId = `req_${randomUUID()}`;
    const h = headers();
    h.set(REQUEST_ID_HEADER, requestId);
    const id = randomUUID();
    const body = JSON.stringify({
      pattern: subject,
      data: { ctx: { workspace_id: workspaceId, request_id: requestId, actor: 'key_test', plan }, data },
      id,
    });
    const reply = (await this.nc.request(subject, body, { timeout: 15_000, headers: h })).json<{ response?: unknown; err?: unknown }>();
    if (reply.err !== undefined && reply.err !== null) return { ok: false, error: reply.err as RpcErrorPayload };
    return { ok: true, data: reply.response as RpcMap[S]['res'] };
  }

  /** Like call(), but a failure throws with the error payload in the message. */
  async ok<S extends RpcSubject>(subject: S, workspaceId: string, data: RpcMap[S]['req'] | object): Promise<RpcMap[S]['res']> {
    const out = await this.call(subject, workspaceId, data);
    if (!out.ok) throw new Error(`${subject} failed: ${JSON.stringify(out.error)}`);
    return out.data;
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }
}
