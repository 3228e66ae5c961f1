import { newId } from '@agentry/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayConfig } from '../config/gateway.config';
import { captureHookRawBody } from '../hooks/raw-body';
import { setupOpenApi } from '../openapi/openapi';
import { applyStatusOverride } from './status-override';
import { parseTrustProxy } from './trust-proxy';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify's options from the config: the body limit, and whose X-Forwarded-For to believe (GATEWAY_TRUST_PROXY). */
export function fastifyOptions(
  config: Pick<GatewayConfig, 'BODY_LIMIT_BYTES' | 'GATEWAY_TRUST_PROXY'>,
): ConstructorParameters<typeof FastifyAdapter>[0] {
  return {
    bodyLimit: config.BODY_LIMIT_BYTES,
    // long path ids reach the id pipe (404) instead of Fastify's own 414 outside the envelope
    maxParamLength: 1000,
    // A caller's own X-Request-Id is kept when it is sane, so its id follows the request through every service.
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : newId('req');
    },
    requestIdLogLabel: 'request_id',
    disableRequestLogging: true,
    // Default false: a client could otherwise pick its address (and its failed-auth budget) with X-Forwarded-For.
    trustProxy: parseTrustProxy(config.GATEWAY_TRUST_PROXY) ?? false,
  };
}

/** Request ids, errors Fastify raises before Nest sees the request, status overrides, OpenAPI. */
export function configureHttp(app: NestFastifyApplication, config: GatewayConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only (Nest's parsers are off, see main.ts): anything else is a 415, not a string handed to a handler.
  fastify.removeContentTypeParser(['text/plain']);
  captureHookRawBody(fastify);
  fastify.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('X-Request-Id', req.id);
  });
  fastify.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply) => {
    applyStatusOverride(req, reply);
  });
  setupOpenApi(app, config);
}
