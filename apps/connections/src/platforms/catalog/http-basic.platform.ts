import { joinUrl, Platform } from '../platform';
import { configSchema, httpFailure, httpUrl, isSuccess, plainString, secretPassword } from '../schema-parts';

const basicCredentials = (config: Record<string, unknown>) =>
  Buffer.from(`${String(config.username)}:${String(config.password)}`, 'utf8').toString('base64');

/** Any HTTP API behind HTTP Basic authentication. */
export const httpBasicPlatform: Platform = {
  id: 'http_basic',
  name: 'HTTP API (basic auth)',
  description: 'Any HTTP API authenticated with a user name and password (HTTP Basic).',
  authType: 'basic',
  configSchema: configSchema(
    'HTTP basic authentication',
    {
      base_url: httpUrl('Base URL of the API; request paths are relative to it'),
      username: plainString('User name', { maxLength: 200, pattern: '^[^:\\r\\n]+$' }),
      password: secretPassword('Password'),
      test_path: plainString('Path the test calls with GET; any 2xx passes', { default: '/', pattern: '^/' }),
    },
    ['base_url', 'username', 'password'],
  ),
  testEndpoint: 'GET {base_url}{test_path}',
  tools: [{ name: 'http_basic.request', description: "Send an HTTP request to the connection's API with its credentials" }],
  // An API that echoes the Authorization header back would otherwise show the password, base64-encoded.
  derivedSecrets: (config) => [basicCredentials(config)],
  async test(config, http) {
    const credentials = basicCredentials(config);
    const res = await http(joinUrl(String(config.base_url), String(config.test_path)), {
      headers: { authorization: `Basic ${credentials}`, accept: 'application/json' },
    });
    return isSuccess(res) ? { ok: true, identity: { status: res.status, username: config.username } } : httpFailure('The API', res);
  },
};
