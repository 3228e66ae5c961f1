import { ConnectionTestView, TestConnectionConfigRequest } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { ConfigValidator } from '../../platforms/config-validator';
import { PlatformRegistry } from '../../platforms/platform-registry';
import { secretValues, splitConfig } from '../../platforms/secret-fields';
import { ConnectionTester } from '../connection-tester';

/** Tests a config before it is saved; nothing is stored. */
@Injectable()
export class TestConnectionConfigUseCase {
  constructor(
    private readonly registry: PlatformRegistry,
    private readonly validator: ConfigValidator,
    private readonly tester: ConnectionTester,
  ) {}

  async execute(req: TestConnectionConfigRequest): Promise<ConnectionTestView> {
    const platform = this.registry.require(req.platform);
    this.validator.validate(platform, req.config);
    const secrets = secretValues(splitConfig(platform.configSchema, req.config).secrets);
    return (await this.tester.run(platform, req.config, secrets)).view;
  }
}
