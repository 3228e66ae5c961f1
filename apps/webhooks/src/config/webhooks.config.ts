import { ServiceConfig } from '@agentry/common';

export class WebhooksConfig extends ServiceConfig {}
