import {
  DeliveryDetailView,
  DeliveryView,
  RotateWebhookSecretRequest,
  RpcContext,
  WebhookEventTypeView,
  WebhookSecretView,
  WebhooksRpc,
} from '@agentry/contracts';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { IdempotencyHeader } from '../agents/agents.controller';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx } from '../auth/rpc-context.decorator';
import { Ref } from '../http/resource-ref.pipe';
import { ApiErrors } from '../openapi/error-envelope.schema';
import { RpcClient } from '../rpc/rpc-client';

/** Single deliveries, the event-type catalog and the run-callback signing secret. */
@ApiTags('Webhooks')
@ApiExtraModels(WebhookEventTypeView)
@ApiBearerAuth()
@Controller('v1')
export class WebhookDeliveriesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('deliveries/:id')
  @RequireScopes('webhooks:read')
  @ApiParam({ name: 'id', description: 'Delivery id', example: 'del_01JD5Z4Q9X7N3B2V1C0M8K6H4G' })
  @ApiOperation({
    summary: 'Get a delivery with every attempt',
    description: 'Each attempt: time, URL, status code, latency, the first 1 KiB of the response, and the error when there was no 2xx.',
  })
  @ApiOkResponse({ type: DeliveryDetailView })
  @ApiErrors(403, 404)
  get(@Ctx() ctx: RpcContext, @Param('id', Ref('Delivery')) id: string): Promise<DeliveryDetailView> {
    return this.rpc.call(WebhooksRpc.getDelivery, { delivery: id }, ctx);
  }

  @Post('deliveries/:id/retry')
  @HttpCode(200)
  @RequireScopes('webhooks:write')
  @IdempotencyHeader()
  @ApiParam({ name: 'id', description: 'Delivery id', example: 'del_01JD5Z4Q9X7N3B2V1C0M8K6H4G' })
  @ApiOperation({
    summary: 'Send a delivery again now',
    description:
      'Failed, succeeded, or waiting for its next retry: due at once, from the start of the retry schedule, with the same `webhook-id`. ' +
      '409 while an attempt is in flight or when the endpoint is disabled.',
  })
  @ApiOkResponse({ type: DeliveryView })
  @ApiErrors(403, 404, 409)
  retry(@Ctx() ctx: RpcContext, @Param('id', Ref('Delivery')) id: string): Promise<DeliveryView> {
    return this.rpc.call(WebhooksRpc.retryDelivery, { delivery: id }, ctx);
  }

  @Get('event-types')
  @RequireScopes('webhooks:read')
  @ApiOperation({ summary: 'List the webhook event types', description: 'Each with a description and an example payload.' })
  @ApiOkResponse({
    schema: { type: 'object', properties: { data: { type: 'array', items: { $ref: getSchemaPath(WebhookEventTypeView) } } } },
  })
  @ApiErrors(403)
  eventTypes(@Ctx() ctx: RpcContext): Promise<{ data: WebhookEventTypeView[] }> {
    return this.rpc.call(WebhooksRpc.listEventTypes, {}, ctx);
  }

  @Get('webhook-callback-secret')
  @RequireScopes('webhooks:write')
  @ApiOperation({
    summary: 'Show the secret that signs run callbacks',
    description:
      "Deliveries to a run's `callback_url` are signed like endpoint deliveries, with this workspace-wide secret (made on first use).",
  })
  @ApiOkResponse({ type: WebhookSecretView })
  @ApiErrors(403)
  callbackSecret(@Ctx() ctx: RpcContext): Promise<WebhookSecretView> {
    return this.rpc.call(WebhooksRpc.getCallbackSecret, {}, ctx);
  }

  @Post('webhook-callback-secret/rotate')
  @HttpCode(200)
  @RequireScopes('webhooks:write')
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Rotate the run-callback secret', description: 'The old secret keeps signing beside the new one for 24 h.' })
  @ApiOkResponse({ type: WebhookSecretView })
  @ApiErrors(400, 403)
  rotateCallbackSecret(@Ctx() ctx: RpcContext, @Body() body: RotateWebhookSecretRequest): Promise<WebhookSecretView> {
    return this.rpc.call(WebhooksRpc.rotateCallbackSecret, body, ctx);
  }
}
