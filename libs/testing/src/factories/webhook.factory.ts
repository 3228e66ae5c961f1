import type { CreateWebhookEndpointRequest, WebhookEndpointDisabledEventData } from '@agentry/contracts';

/** A valid `POST /v1/webhook-endpoints` body for a receiver at `url` (a public address by default). */
export function webhookEndpointFactory(overrides: Partial<CreateWebhookEndpointRequest> = {}): CreateWebhookEndpointRequest {
  return { url: 'https://93.184.215.14/hooks/agentry', event_types: ['*'], description: 'Test receiver', ...overrides };
}

/** Data of `agentry.webhooks.endpoint_disabled`. */
export function endpointDisabledEventFactory(overrides: Partial<WebhookEndpointDisabledEventData> = {}): WebhookEndpointDisabledEventData {
  return {
    endpoint_id: 'whe_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
    url: 'https://93.184.215.14/hooks/agentry',
    cause: 'gone',
    reason: 'The endpoint answered 410 Gone',
    disabled_at: '2026-11-23T10:00:00.000Z',
    failing_since: null,
    ...overrides,
  };
}
