import { CoreModule } from '@agentry/common';
import { Module } from '@nestjs/common';
import { WebhooksConfig } from './config/webhooks.config';
import { migrations } from './database/migrations';

@Module({
  imports: [CoreModule.forRoot({ name: 'webhooks', config: WebhooksConfig, entities: [], migrations })],
})
export class AppModule {}
