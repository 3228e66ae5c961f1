import { CoreModule } from '@agentry/common';
import { Module } from '@nestjs/common';
import { WebhooksConfig } from './config/webhooks.config';
import { migrations } from './database/migrations';
import { WEBHOOKS_ENTITIES, WebhooksModule } from './webhooks.module';

@Module({
  imports: [CoreModule.forRoot({ name: 'webhooks', config: WebhooksConfig, entities: WEBHOOKS_ENTITIES, migrations }), WebhooksModule],
})
export class AppModule {}
