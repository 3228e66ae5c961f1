import { joinUrl, Platform } from '../platform';
import { configSchema, httpFailure, httpUrl, isSuccess, plainString, secretString } from '../schema-parts';

/** Any HTTP API that takes a bearer token (or a token in a header of your choice). */
export const httpBearerPlatform: Platform = {
  id: 'http_bearer',
  name: 'HTTP API (bearer token)',
  description: 'Any HTTP API authenticated with a bearer token. `http` steps with this connection_id get the header added.',
  authType: 'bearer',
  configSchema: configSchema(
    'HTTP bearer token',
    {
      base_url: httpUrl('Base URL of the API; request paths are relative to it'),
      token: secretString('The token, sent as `<scheme> <token>` in `header`'),
      header: plainString('Header that carries the token', { default: 'Authorization', pattern: '^[A-Za-z0-9-]{1,100}$' }),
      scheme: plainString('Prefix before the token; empty for a bare token', {
        default: 'Bearer',
        minLength: 0,
        maxLength: 50,
        pattern: '^[A-Za-z0-9_-]*$',
      }),
      test_path: plainString('Path the test calls with GET; any 2xx passes', { default: '/', pattern: '^/' }),
    },
    ['base_url', 'token'],
  ),
  testEndpoint: 'GET {base_url}{test_path}',
  tools: [{ name: 'http_bearer.request', description: "Send an HTTP request to the connection's API with its token" }],
  async test(config, http) {
    const scheme = String(config.scheme ?? '');
    const res = await http(joinUrl(String(config.base_url), String(config.test_path)), {
      headers: { [String(config.header)]: scheme ? `${scheme} ${String(config.token)}` : String(config.token), accept: 'application/json' },
    });
    return isSuccess(res) ? { ok: true, identity: { status: res.status } } : httpFailure('The API', res);
  },
};
