import { ApiClient, ApiResponse, startStack, TestStack } from '@agentry/testing';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const newMasterKey = () => randomBytes(32).toString('base64');

/** Gateway + connections with a real master key, private networks allowed (the fakes are on 127.0.0.1) and a short test budget. */
export function startConnectionsStack(label: string, masterKey: string, connectionsEnv: Record<string, string> = {}): Promise<TestStack> {
  return startStack({
    services: ['gateway', 'connections'],
    label,
    // debug: the secret grep reads as much of the services' output as there is
    env: { LOG_LEVEL: 'debug' },
    perServiceEnv: {
      connections: {
        AGENTRY_MASTER_KEY: masterKey,
        AGENTRY_MASTER_KEY_ID: 'e2e-k1',
        AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true',
        CONNECTION_TEST_TIMEOUT_MS: '1500',
        ...connectionsEnv,
      },
    },
  });
}

/** Every response body and header the ApiClient sees from now on, as text. */
export function recordResponses(): { texts: string[]; stop(): void } {
  const texts: string[] = [];
  const original = ApiClient.prototype.request;
  ApiClient.prototype.request = async function record<T>(
    this: ApiClient,
    ...args: Parameters<ApiClient['request']>
  ): Promise<ApiResponse<T>> {
    const res = await original.apply(this, args);
    texts.push(`${res.status} ${JSON.stringify(res.headers)} ${typeof res.body === 'string' ? res.body : JSON.stringify(res.body)}`);
    return res as ApiResponse<T>;
  };
  return { texts, stop: () => void (ApiClient.prototype.request = original) };
}

/** Each secret that occurs in one of the texts, in any of the forms a leak would take. */
export function leakedSecrets(texts: string[], secrets: string[]): string[] {
  const forms = (s: string) => [s, Buffer.from(s).toString('base64'), Buffer.from(s).toString('hex'), JSON.stringify(s).slice(1, -1)];
  return secrets.filter((s) => texts.some((t) => forms(s).some((f) => t.includes(f))));
}

export function readLog(path: string): string {
  return readFileSync(path, 'utf8');
}

export interface RpcReply<T = unknown> {
  response?: T;
  err?: { code: string; message: string; details?: unknown[] };
}

/** A NATS request in the framing the services' handlers expect, as another service inside the cluster would send it. */
export class ServiceCaller {
  private constructor(private readonly nc: NatsConnection) {}

  static async connect(natsUrl: string): Promise<ServiceCaller> {
    return new ServiceCaller(await connect({ servers: natsUrl }));
  }

  async call<T = unknown>(subject: string, data: unknown, ctx: { workspace_id: string; actor?: string }): Promise<RpcReply<T>> {
    const msg = await this.nc.request(
      subject,
      JSON.stringify({ pattern: subject, data: { ctx: { request_id: 'req_e2e', ...ctx }, data }, id: '1' }),
      { timeout: 5_000 },
    );
    return msg.json<RpcReply<T>>();
  }

  /** Collects the events published on `subject` from now on. */
  collect<T = unknown>(subject: string): T[] {
    const seen: T[] = [];
    const sub = this.nc.subscribe(subject);
    void (async () => {
      for await (const m of sub) seen.push(m.json<T>());
    })();
    return seen;
  }

  close(): Promise<void> {
    return this.nc.drain();
  }
}
