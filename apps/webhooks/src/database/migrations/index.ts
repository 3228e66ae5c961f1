import { InitWebhooks1763900000000 } from './1763900000000-InitWebhooks';
import { WebhooksDelivery1764000000000 } from './1764000000000-WebhooksDelivery';

export const migrations = [InitWebhooks1763900000000, WebhooksDelivery1764000000000];
