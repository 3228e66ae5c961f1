import { ConnectionsRpc, PlatformRef, PlatformView } from '@agentry/contracts';
import { AppError, Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PlatformRegistry, toPlatformView } from './platform-registry';

/** The registry is static, so these two read it directly rather than through a use-case each. */
@Controller()
export class PlatformsHandler {
  constructor(private readonly registry: PlatformRegistry) {}

  @MessagePattern(ConnectionsRpc.listPlatforms)
  list(@Payload(Rpc()) _: RpcInput<unknown>): { data: PlatformView[] } {
    return { data: this.registry.all().map(toPlatformView) };
  }

  @MessagePattern(ConnectionsRpc.getPlatform)
  get(@Payload(Rpc(PlatformRef)) { data }: RpcInput<PlatformRef>): PlatformView {
    const platform = this.registry.find(data.platform);
    if (!platform) throw AppError.notFound('Platform', data.platform);
    return toPlatformView(platform);
  }
}
