import {
  CreateWebhookEndpointRequest,
  DeliveryView,
  ListDeliveriesQuery,
  ListWebhookEndpointsQuery,
  Page,
  RecoverResultView,
  RecoverWebhookEndpointRequest,
  RotateWebhookSecretRequest,
  RpcContext,
  TestWebhookEndpointRequest,
  UpdateWebhookEndpointRequest,
  WebhookEndpointCreatedView,
  WebhookEndpointView,
  WebhookSecretView,
  WebhooksRpc,
} from '@agentry/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IdempotencyHeader } from '../agents/agents.controller';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx } from '../auth/rpc-context.decorator';
import { Ref } from '../http/resource-ref.pipe';
import { ApiErrors, ApiPage } from '../openapi/error-envelope.schema';
import { RpcClient } from '../rpc/rpc-client';

const EndpointParam = () => ApiParam({ name: 'id', description: 'Webhook endpoint id', example: 'whe_01JD5Z4Q9X7N3B2V1C0M8K6H4G' });
const SIGNING =
  'Each delivery is a POST with `webhook-id` (the message id, the same on every retry), `webhook-timestamp` and ' +
  '`webhook-signature: v1,<base64 HMAC-SHA256(base64-decoded secret, "<id>.<timestamp>.<body>")>` (Standard Webhooks), plus ' +
  '`X-Agentry-Signature: sha256=<hex HMAC-SHA256(secret string, body)>` and `X-Agentry-Event`.';
const DELIVERY =
  'At least once: only 2xx counts (redirects are not followed); retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, with jitter, ' +
  'honouring `Retry-After` on 429/502/503/504; each attempt times out after 15 s. `410 Gone` disables the endpoint at once, failing ' +
  'for 5 days disables it too. A per-endpoint circuit breaker pauses deliveries to an endpoint that keeps failing, without using up ' +
  'their attempts. Deliveries to one endpoint are not ordered.';

/** Outbound webhook endpoints: register, sign, test, read and replay deliveries. */
@ApiTags('Webhooks')
@ApiBearerAuth()
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('webhooks:write')
  @IdempotencyHeader()
  @ApiOperation({
    summary: 'Register a webhook endpoint',
    description: `The response carries the signing \`secret\` (\`whsec_…\`); \`GET …/secret\` shows it again. ${SIGNING} ${DELIVERY}`,
  })
  @ApiCreatedResponse({ type: WebhookEndpointCreatedView })
  @ApiErrors(400, 403, 409, 413)
  create(@Ctx() ctx: RpcContext, @Body() body: CreateWebhookEndpointRequest): Promise<WebhookEndpointCreatedView> {
    return this.rpc.call(WebhooksRpc.createEndpoint, body, ctx);
  }

  @Get()
  @RequireScopes('webhooks:read')
  @ApiOperation({
    summary: 'List webhook endpoints, newest first',
    description: 'Filter by `status` (enabled or disabled). Secrets are not listed.',
  })
  @ApiPage(WebhookEndpointView)
  @ApiErrors(400, 403)
  list(@Ctx() ctx: RpcContext, @Query() query: ListWebhookEndpointsQuery): Promise<Page<WebhookEndpointView>> {
    return this.rpc.call(WebhooksRpc.listEndpoints, query, ctx);
  }

  @Get(':id')
  @RequireScopes('webhooks:read')
  @EndpointParam()
  @ApiOperation({ summary: 'Get a webhook endpoint' })
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiErrors(403, 404)
  get(@Ctx() ctx: RpcContext, @Param('id', Ref('Webhook endpoint')) id: string): Promise<WebhookEndpointView> {
    return this.rpc.call(WebhooksRpc.getEndpoint, { endpoint: id }, ctx);
  }

  @Patch(':id')
  @RequireScopes('webhooks:write')
  @EndpointParam()
  @ApiOperation({
    summary: 'Update a webhook endpoint, or disable/enable it',
    description:
      '`status: "disabled"` (with an optional `disabled_reason`) fails its pending deliveries and sends `webhook.endpoint.disabled` to the ' +
      'workspace\'s other endpoints; `status: "enabled"` clears the failure streak. A new `url` is checked like on create.',
  })
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiErrors(400, 403, 404, 413)
  update(
    @Ctx() ctx: RpcContext,
    @Param('id', Ref('Webhook endpoint')) id: string,
    @Body() body: UpdateWebhookEndpointRequest,
  ): Promise<WebhookEndpointView> {
    return this.rpc.call(WebhooksRpc.updateEndpoint, { endpoint: id, patch: body }, ctx);
  }

  @Delete(':id')
  @RequireScopes('webhooks:write')
  @EndpointParam()
  @ApiOperation({ summary: 'Delete a webhook endpoint', description: 'Its deliveries and their attempts are deleted with it.' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { id: { type: 'string' }, deleted: { type: 'boolean' } },
      example: { id: 'whe_01JD5Z4Q9X7N3B2V1C0M8K6H4G', deleted: true },
    },
  })
  @ApiErrors(403, 404)
  remove(@Ctx() ctx: RpcContext, @Param('id', Ref('Webhook endpoint')) id: string): Promise<{ id: string; deleted: true }> {
    return this.rpc.call(WebhooksRpc.deleteEndpoint, { endpoint: id }, ctx);
  }

  @Get(':id/secret')
  @RequireScopes('webhooks:write')
  @EndpointParam()
  @ApiOperation({
    summary: "Show an endpoint's signing secret",
    description: 'Needs `webhooks:write`: the secret lets its holder forge deliveries. During a rotation the previous secret is shown too.',
  })
  @ApiOkResponse({ type: WebhookSecretView })
  @ApiErrors(403, 404)
  secret(@Ctx() ctx: RpcContext, @Param('id', Ref('Webhook endpoint')) id: string): Promise<WebhookSecretView> {
    return this.rpc.call(WebhooksRpc.getSecret, { endpoint: id }, ctx);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @RequireScopes('webhooks:write')
  @IdempotencyHeader()
  @EndpointParam()
  @ApiOperation({
    summary: "Rotate an endpoint's signing secret",
    description:
      'The old secret keeps signing beside the new one for 24 h: `webhook-signature` carries both (`v1,<new> v1,<old>`) and ' +
      '`X-Agentry-Signature-Previous` the old simple signature, so a receiver can switch secrets without dropping a delivery.',
  })
  @ApiOkResponse({ type: WebhookSecretView })
  @ApiErrors(400, 403, 404)
  rotate(
    @Ctx() ctx: RpcContext,
    @Param('id', Ref('Webhook endpoint')) id: string,
    @Body() body: RotateWebhookSecretRequest,
  ): Promise<WebhookSecretView> {
    return this.rpc.call(WebhooksRpc.rotateSecret, { endpoint: id, ...body }, ctx);
  }

  @Post(':id/test')
  @HttpCode(202)
  @RequireScopes('webhooks:write')
  @IdempotencyHeader()
  @EndpointParam()
  @ApiOperation({
    summary: 'Send a test event to an endpoint',
    description:
      'Sends the example payload of `event_type` (with `test: true`, and your `data` merged over it) to this endpoint only, signed and ' +
      'retried like any delivery. Returns the delivery at once; `GET /v1/deliveries/{id}` shows the attempts. A payload over 256 KiB is a 413.',
  })
  @ApiAcceptedResponse({ type: DeliveryView })
  @ApiErrors(400, 403, 404, 409, 413)
  test(
    @Ctx() ctx: RpcContext,
    @Param('id', Ref('Webhook endpoint')) id: string,
    @Body() body: TestWebhookEndpointRequest,
  ): Promise<DeliveryView> {
    return this.rpc.call(WebhooksRpc.testEndpoint, { endpoint: id, ...body }, ctx);
  }

  @Get(':id/deliveries')
  @RequireScopes('webhooks:read')
  @EndpointParam()
  @ApiOperation({
    summary: "List an endpoint's deliveries, newest first",
    description: 'Filter by `status` (pending, succeeded, failed) and `event_type`.',
  })
  @ApiPage(DeliveryView)
  @ApiErrors(400, 403, 404)
  deliveries(
    @Ctx() ctx: RpcContext,
    @Param('id', Ref('Webhook endpoint')) id: string,
    @Query() query: ListDeliveriesQuery,
  ): Promise<Page<DeliveryView>> {
    return this.rpc.call(WebhooksRpc.listDeliveries, { endpoint: id, ...query }, ctx);
  }

  @Post(':id/recover')
  @HttpCode(200)
  @RequireScopes('webhooks:write')
  @IdempotencyHeader()
  @EndpointParam()
  @ApiOperation({
    summary: 'Re-send every failed delivery since a time',
    description:
      'Failed deliveries of this endpoint created in [`since`, `until`) are due again at once, from the start of the retry schedule. The endpoint must be enabled.',
  })
  @ApiOkResponse({ type: RecoverResultView })
  @ApiErrors(400, 403, 404, 409)
  recover(
    @Ctx() ctx: RpcContext,
    @Param('id', Ref('Webhook endpoint')) id: string,
    @Body() body: RecoverWebhookEndpointRequest,
  ): Promise<RecoverResultView> {
    return this.rpc.call(WebhooksRpc.recoverEndpoint, { endpoint: id, ...body }, ctx);
  }
}
