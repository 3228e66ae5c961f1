import { parseAndValidate } from '@agentry/common';
import { CreateWebhookEndpointRequest, EVENT_CATALOG, WebhookEndpointDisabledEventData } from '@agentry/contracts';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { endpointDisabledEventFactory, webhookEndpointFactory } from './webhook.factory';

describe(webhookEndpointFactory.name, () => {
  it('builds a body that CreateWebhookEndpointRequest accepts', async () => {
    await expect(parseAndValidate(CreateWebhookEndpointRequest, webhookEndpointFactory())).resolves.toBeInstanceOf(
      CreateWebhookEndpointRequest,
    );
  });

  it('builds endpoint_disabled event data that its catalog class accepts', async () => {
    expect(EVENT_CATALOG['agentry.webhooks.endpoint_disabled'].data).toBe(WebhookEndpointDisabledEventData);
    const sut = plainToInstance(
      WebhookEndpointDisabledEventData,
      endpointDisabledEventFactory({ cause: 'failing', failing_since: '2026-11-18T10:00:00.000Z' }),
    );
    expect(await validate(sut)).toEqual([]);
    expect(
      await validate(plainToInstance(WebhookEndpointDisabledEventData, { ...endpointDisabledEventFactory(), cause: 'bored' })),
    ).not.toEqual([]);
  });
});
