import { connectionBase, isWithinBase, refusalMessage } from './connection-credentials';

describe(isWithinBase.name, () => {
  const base = 'https://api.example.com/v1';

  it.each([
    ['https://api.example.com/v1', true],
    ['https://api.example.com/v1/', true],
    ['https://api.example.com/v1/users/1?x=1', true],
    ['https://api.example.com/v10/users', false],
    ['https://api.example.com/', false],
    ['http://api.example.com/v1/users', false],
    ['https://api.example.com:8443/v1/users', false],
    ['https://api.example.com.attacker.io/v1/users', false],
    ['https://attacker.io/v1/users', false],
  ])('%s is within the base: %s', (target, expected) => {
    expect(isWithinBase(new URL(target), base)).toBe(expected);
  });

  it('accepts anything on the host when the base is the host root', () => {
    expect(isWithinBase(new URL('https://slack.com/api/chat.postMessage'), 'https://slack.com')).toBe(true);
  });

  it('refuses when the base is not a URL', () => {
    expect(isWithinBase(new URL('https://slack.com/api'), 'not a url')).toBe(false);
  });
});

describe(connectionBase.name, () => {
  it('reads base_url, or url for MCP, or nothing', () => {
    expect(connectionBase({ base_url: 'https://a.example' })).toBe('https://a.example');
    expect(connectionBase({ url: 'https://mcp.example/mcp' })).toBe('https://mcp.example/mcp');
    expect(connectionBase({ token: 'x' })).toBeUndefined();
  });
});

describe(refusalMessage.name, () => {
  const request = { method: 'GET', url: new URL('https://api.example.com/v1/users?token=secret'), headers: {}, body: null };

  it('names the request without its query, with the challenge and the error text when there are', () => {
    expect(refusalMessage(request)).toBe('HTTP 401 from GET https://api.example.com/v1/users');
    expect(
      refusalMessage({
        ...request,
        headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="The token expired"' },
        body: { error: { message: 'Token expired' } },
      }),
    ).toBe(
      'HTTP 401 from GET https://api.example.com/v1/users; WWW-Authenticate: Bearer error="invalid_token", error_description="The token expired"; Token expired',
    );
  });

  it('ignores a body without error text', () => {
    expect(refusalMessage({ ...request, body: 'Unauthorized' })).toBe('HTTP 401 from GET https://api.example.com/v1/users');
    expect(refusalMessage({ ...request, body: { error: 'invalid_token' } })).toContain('; invalid_token');
  });
});
