import { WebhookDeliveriesController } from './deliveries.controller';
import { WebhookEndpointsController } from './webhook-endpoints.controller';

/** The gateway's webhooks routes, registered in AppModule. */
export const WEBHOOKS_CONTROLLERS = [WebhookEndpointsController, WebhookDeliveriesController];
