import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { SCOPES } from '@agentry/contracts';
import { AppModule } from '../app.module';
import { INSTANCE_ADMIN_KEY, PUBLIC_KEY, SCOPES_KEY } from './auth.decorators';

type Ctor = new (...args: never[]) => object;

function routes() {
  const controllers = Reflect.getMetadata('controllers', AppModule) as Ctor[];
  return controllers.flatMap((controller) => {
    const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
    return Object.getOwnPropertyNames(controller.prototype)
      .filter((name) => name !== 'constructor')
      .map((name) => ({ name, handler: controller.prototype[name as keyof object] as unknown as object }))
      .filter(({ handler }) => typeof handler === 'function' && Reflect.hasMetadata(PATH_METADATA, handler))
      .map(({ name, handler }) => {
        const meta = (key: string) => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
        return {
          route: `${RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]} /${[base, Reflect.getMetadata(PATH_METADATA, handler)].filter((p) => p && p !== '/').join('/')}`,
          handler: `${controller.name}.${name}`,
          scopes: meta(SCOPES_KEY) as string[] | undefined,
          instanceAdmin: meta(INSTANCE_ADMIN_KEY) === true,
          public: meta(PUBLIC_KEY) === true,
        };
      });
  });
}

/** Routes that authenticate by other means (a hook key or signature, a signed approval link); anything else public is a mistake. */
const PUBLIC_ALLOWED = ['POST /v1/hooks/:hook_id', 'GET /v1/approval-links/:token', 'POST /v1/approval-links/:token'];

describe('gateway routes', () => {
  const all = routes();

  it('finds the routes of every controller', () => {
    expect(all.length).toBeGreaterThan(20);
    expect(all.map((r) => r.route)).toEqual(
      expect.arrayContaining(['POST /v1/workspaces', 'POST /v1/api-keys', 'GET /v1/connections/:id']),
    );
  });

  it('guards every route with scopes or the instance admin, unless it is an intentionally public one', () => {
    const unguarded = all.filter((r) => !r.instanceAdmin && !r.public && !r.scopes?.length).map((r) => `${r.route} (${r.handler})`);
    const unexpectedPublic = all.filter((r) => r.public && !PUBLIC_ALLOWED.includes(r.route)).map((r) => `${r.route} (${r.handler})`);

    expect(unguarded).toEqual([]);
    expect(unexpectedPublic).toEqual([]);
  });

  it('names only scopes that exist', () => {
    const unknown = all.flatMap((r) =>
      (r.scopes ?? []).filter((s) => !(SCOPES as readonly string[]).includes(s)).map((s) => `${r.route}: ${s}`),
    );

    expect(unknown).toEqual([]);
  });

  it('keeps workspace creation to the instance admin and key management to admin keys', () => {
    const find = (route: string) => all.find((r) => r.route === route);

    expect(find('POST /v1/workspaces')).toMatchObject({ instanceAdmin: true });
    for (const route of ['POST /v1/api-keys', 'GET /v1/api-keys', 'DELETE /v1/api-keys/:id'])
      expect(find(route)?.scopes).toEqual(['admin']);
  });
});
