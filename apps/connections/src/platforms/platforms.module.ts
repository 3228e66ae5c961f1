import { Module } from '@nestjs/common';
import { ConfigValidator } from './config-validator';
import { PlatformRegistry } from './platform-registry';
import { PlatformsHandler } from './platforms.handler';

@Module({
  controllers: [PlatformsHandler],
  providers: [{ provide: PlatformRegistry, useValue: new PlatformRegistry() }, ConfigValidator],
  exports: [PlatformRegistry, ConfigValidator],
})
export class PlatformsModule {}
