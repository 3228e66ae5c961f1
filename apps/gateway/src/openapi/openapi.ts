import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { GatewayConfig } from '../config/gateway.config';

const DESCRIPTION = `Agentry runs AI agents and automations: define an agent once, run it from a REST call, an inbound
webhook or a schedule, watch each run step by step, approve risky actions, and hear back through signed webhooks.

**Auth**: \`Authorization: Bearer <api key>\`. Keys belong to a workspace and carry scopes.
**Errors**: always \`{ "error": { "code", "message", "details"?, "request_id" } }\`.
**Lists**: \`?limit=\` (1–100, default 20) and \`?cursor=\`; responses are \`{ "data": [...], "next_cursor" }\`.
**Idempotency**: send \`Idempotency-Key\` on POSTs that create or run something.
**Rate limits**: every authenticated response carries \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\`, \`X-RateLimit-Reset\`.`;

export function buildOpenApiDocument(app: INestApplication, config: Pick<GatewayConfig, 'PUBLIC_URL'>): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Agentry API')
    .setDescription(DESCRIPTION)
    .setVersion(process.env.npm_package_version ?? '0.1.0')
    .addServer(config.PUBLIC_URL)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: 'An Agentry API key (agk_…)' })
    .build();
  return SwaggerModule.createDocument(app, builder, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
}

/** Swagger UI at /docs with "Try it out" using the bearer key, the document at /openapi.json. */
export function setupOpenApi(app: INestApplication, config: GatewayConfig): void {
  const document = buildOpenApiDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
    customSiteTitle: 'Agentry API',
  });
}
