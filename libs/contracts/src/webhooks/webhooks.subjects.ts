import type { Page } from '../pagination';
import type {
  DeliveryDetailView,
  DeliveryView,
  RecoverResultView,
  WebhookEndpointCreatedView,
  WebhookEndpointDisabledEventData,
  WebhookEndpointView,
  WebhookEventTypeView,
  WebhookSecretView,
} from './webhook-views.dto';
import type {
  DeliveryRef,
  ListEndpointDeliveriesMessage,
  ListWebhookEndpointsQuery,
  RecoverWebhookEndpointMessage,
  RotateWebhookSecretMessage,
  RotateWebhookSecretRequest,
  TestWebhookEndpointMessage,
  UpdateWebhookEndpointMessage,
  WebhookEndpointRef,
  CreateWebhookEndpointRequest,
} from './webhooks.dto';

export const WebhooksRpc = {
  createEndpoint: 'webhooks.endpoints.create',
  listEndpoints: 'webhooks.endpoints.list',
  getEndpoint: 'webhooks.endpoints.get',
  updateEndpoint: 'webhooks.endpoints.update',
  deleteEndpoint: 'webhooks.endpoints.delete',
  getSecret: 'webhooks.endpoints.secret',
  rotateSecret: 'webhooks.endpoints.rotate_secret',
  testEndpoint: 'webhooks.endpoints.test',
  recoverEndpoint: 'webhooks.endpoints.recover',
  listDeliveries: 'webhooks.deliveries.list',
  getDelivery: 'webhooks.deliveries.get',
  retryDelivery: 'webhooks.deliveries.retry',
  listEventTypes: 'webhooks.event_types.list',
  getCallbackSecret: 'webhooks.callback_secret.get',
  rotateCallbackSecret: 'webhooks.callback_secret.rotate',
} as const;

/** The webhooks service's request/reply subjects. */
export interface WebhooksRpcMap {
  'webhooks.endpoints.create': { req: CreateWebhookEndpointRequest; res: WebhookEndpointCreatedView };
  'webhooks.endpoints.list': { req: ListWebhookEndpointsQuery; res: Page<WebhookEndpointView> };
  'webhooks.endpoints.get': { req: WebhookEndpointRef; res: WebhookEndpointView };
  'webhooks.endpoints.update': { req: UpdateWebhookEndpointMessage; res: WebhookEndpointView };
  'webhooks.endpoints.delete': { req: WebhookEndpointRef; res: { id: string; deleted: true } };
  'webhooks.endpoints.secret': { req: WebhookEndpointRef; res: WebhookSecretView };
  'webhooks.endpoints.rotate_secret': { req: RotateWebhookSecretMessage; res: WebhookSecretView };
  'webhooks.endpoints.test': { req: TestWebhookEndpointMessage; res: DeliveryView };
  'webhooks.endpoints.recover': { req: RecoverWebhookEndpointMessage; res: RecoverResultView };
  'webhooks.deliveries.list': { req: ListEndpointDeliveriesMessage; res: Page<DeliveryView> };
  'webhooks.deliveries.get': { req: DeliveryRef; res: DeliveryDetailView };
  'webhooks.deliveries.retry': { req: DeliveryRef; res: DeliveryView };
  'webhooks.event_types.list': { req: Record<string, never>; res: { data: WebhookEventTypeView[] } };
  'webhooks.callback_secret.get': { req: Record<string, never>; res: WebhookSecretView };
  'webhooks.callback_secret.rotate': { req: RotateWebhookSecretRequest; res: WebhookSecretView };
}

export const WebhooksEvents = {
  endpointDisabled: 'agentry.webhooks.endpoint_disabled',
} as const;

export interface WebhooksEventMap {
  'agentry.webhooks.endpoint_disabled': WebhookEndpointDisabledEventData;
}
