import { RpcContext, RpcReq, RpcRes, RpcSubject } from '@agentry/contracts';
import { NATS, NatsHandles, natsRpc, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway.config';

/** The gateway's calls to the services, with the caller's context and RPC_TIMEOUT_MS by default. */
@Injectable()
export class RpcClient {
  constructor(
    @Inject(NATS) private readonly nats: NatsHandles,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  call<S extends RpcSubject>(subject: S, data: RpcReq<S>, ctx: RpcContext, timeoutMs?: number): Promise<RpcRes<S>> {
    return natsRpc(this.nats.nc, subject, data, ctx, timeoutMs ?? this.config.RPC_TIMEOUT_MS);
  }
}
