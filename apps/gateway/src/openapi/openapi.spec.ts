import SwaggerParser from '@apidevtools/swagger-parser';
import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { OpenAPIObject } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppModule } from '../app.module';
import { PUBLIC_KEY } from '../auth/auth.decorators';
import { generateOpenApiDocument } from './generate-openapi';

type Operation = {
  summary?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: unknown; example?: unknown }> }>;
};

/** Every route the gateway serves, read from the controllers' own metadata (not from Swagger). */
function servedRoutes(): { method: string; path: string; isPublic: boolean }[] {
  const controllers: Type[] = Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, AppModule) ?? [];
  const imported: { module?: Type; controllers?: Type[] }[] = Reflect.getMetadata(MODULE_METADATA.IMPORTS, AppModule) ?? [];
  const all = [...controllers, ...imported.flatMap((m) => m.controllers ?? [])];
  return all.flatMap((ctrl) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, ctrl) ?? '');
    return Object.getOwnPropertyNames(ctrl.prototype)
      .filter((name) => name !== 'constructor' && Reflect.getMetadata(METHOD_METADATA, ctrl.prototype[name]) !== undefined)
      .map((name) => {
        const handler = ctrl.prototype[name];
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const path = `/${[base, sub].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/').replace(/:([a-z_]+)/g, '{$1}');
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number].toLowerCase();
        const isPublic = Boolean(Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, ctrl));
        return { method, path, isPublic };
      });
  });
}

describe('OpenAPI document', () => {
  let doc: OpenAPIObject;

  beforeAll(async () => {
    doc = await generateOpenApiDocument();
  });

  it('is a valid OpenAPI 3 document', async () => {
    await expect(SwaggerParser.validate(JSON.parse(JSON.stringify(doc)))).resolves.toBeDefined();
  });

  it('is committed and current (run `npm run openapi` after changing the API)', () => {
    const committed = JSON.parse(readFileSync(resolve(__dirname, '../../../../docs/openapi.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('lists every route the gateway serves', () => {
    const routes = servedRoutes();
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes
      .filter((r) => !(doc.paths[r.path] as Record<string, unknown> | undefined)?.[r.method])
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('documents a summary, a success response and the error envelope for every authenticated operation', () => {
    const problems: string[] = [];
    for (const route of servedRoutes()) {
      const op = (doc.paths[route.path] as Record<string, Operation>)[route.method];
      const where = `${route.method} ${route.path}`;
      if (!op.summary) problems.push(`${where}: no summary`);
      if (!Object.keys(op.responses).some((s) => s.startsWith('2'))) problems.push(`${where}: no 2xx response`);
      if (route.isPublic) continue;
      if (!op.security?.length) problems.push(`${where}: no bearer security`);
      for (const status of ['401', '429']) {
        const example = op.responses[status]?.content?.['application/json']?.example as { error?: { code?: string } } | undefined;
        if (!example?.error?.code) problems.push(`${where}: no ${status} error example`);
      }
    }
    expect(problems).toEqual([]);
  });
});
