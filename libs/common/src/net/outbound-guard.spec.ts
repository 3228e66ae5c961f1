import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { fetch as undiciFetch, request } from 'undici';
import { checkOutboundUrl, guardedLookup, isPrivateAddress, OutboundError, outboundDispatcher, outboundRequest } from './outbound-guard';

const ALLOW = { allowPrivateNetworks: true };
const DENY = { allowPrivateNetworks: false };

describe(isPrivateAddress.name, () => {
  it.each([
    '127.0.0.1',
    '127.8.8.8',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '::ffff:0:7f00:1',
    '::ffff:0:a9fe:a9fe',
    '::ffff:a9fe:a9fe',
    '0:0:0:0:0:ffff:7f00:0001',
    '[::1]',
    'localhost',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe(checkOutboundUrl.name, () => {
  it.each([
    ['http://127.0.0.1:8080/x', 'blocked'],
    ['http://[::1]/x', 'blocked'],
    ['http://169.254.169.254/latest/meta-data', 'blocked'],
    ['http://[::ffff:169.254.169.254]/latest/meta-data', 'blocked'],
    ['http://[::ffff:0:127.0.0.1]/', 'blocked'],
    ['http://0x7f.1/', 'blocked'],
    ['http://2130706433/', 'blocked'],
    ['http://0/', 'blocked'],
    ['http://100.64.0.1/', 'blocked'],
    ['ftp://example.com/x', 'invalid_url'],
    ['file:///etc/passwd', 'invalid_url'],
    ['https://user:secret@example.com/', 'invalid_url'],
    ['not a url', 'invalid_url'],
  ])('refuses %s (%s)', (url, kind) => {
    expect(() => checkOutboundUrl(url, DENY)).toThrow(expect.objectContaining({ kind }));
  });

  it('lets private literals through when allowed, and public names always', () => {
    expect(checkOutboundUrl('http://127.0.0.1:8080/x', ALLOW).port).toBe('8080');
    expect(checkOutboundUrl('https://api.example.com/v1', DENY).hostname).toBe('api.example.com');
  });

  it('never puts the path or query in its messages', () => {
    expect(() => checkOutboundUrl('http://10.0.0.1/x?token=s3cr3t', DENY)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cr3t') }),
    );
  });
});

describe(guardedLookup.name, () => {
  const lookup = (policy: typeof DENY, host: string) =>
    new Promise<{ err: Error | null; address: unknown }>((resolve) =>
      guardedLookup(policy)(host, {}, (err, address) => resolve({ err, address })),
    );

  it('refuses a name that resolves to a loopback address', async () => {
    const { err } = await lookup(DENY, 'localhost');

    expect(err).toBeInstanceOf(OutboundError);
    expect((err as OutboundError).kind).toBe('blocked');
  });

  it('resolves it when private networks are allowed', async () => {
    const { err, address } = await lookup(ALLOW, 'localhost');

    expect(err).toBeNull();
    expect(['127.0.0.1', '::1']).toContain(address);
  });
});

describe(outboundRequest.name, () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/hang') return;
      if (req.url === '/big') return void res.end('x'.repeat(5_000));
      if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hello: 'world' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('makes the request when allowed, and parses JSON', async () => {
    const res = await outboundRequest(`${base}/ok`, { timeoutMs: 1_000 }, ALLOW);

    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ hello: 'world' });
  });

  it('refuses loopback by IP and by name without sending anything', async () => {
    const before = seen.length;
    const port = new URL(base).port;

    await expect(outboundRequest(`${base}/ok`, { timeoutMs: 1_000 }, DENY)).rejects.toMatchObject({ kind: 'blocked' });
    await expect(outboundRequest(`http://localhost:${port}/ok`, { timeoutMs: 1_000 }, DENY)).rejects.toMatchObject({ kind: 'blocked' });
    expect(seen.length).toBe(before);
  });

  it('times out', async () => {
    await expect(outboundRequest(`${base}/hang`, { timeoutMs: 300 }, ALLOW)).rejects.toMatchObject({
      kind: 'timeout',
      message: expect.stringContaining('300 ms'),
    });
  });

  it('caps the response size', async () => {
    await expect(outboundRequest(`${base}/big`, { timeoutMs: 1_000, maxResponseBytes: 1_000 }, ALLOW)).rejects.toMatchObject({
      kind: 'too_large',
    });
  });

  it('does not follow redirects', async () => {
    const res = await outboundRequest(`${base}/redirect`, { timeoutMs: 1_000 }, ALLOW);

    expect(res.status).toBe(302);
  });

  it('refuses a private IP literal at connect time too, for callers that skip the URL check or follow redirects', async () => {
    const before = seen.length;

    await expect(request(`${base}/ok`, { dispatcher: outboundDispatcher(DENY) })).rejects.toMatchObject({ code: 'EOUTBOUNDBLOCKED' });
    await expect(undiciFetch(`${base}/ok`, { dispatcher: outboundDispatcher(DENY) })).rejects.toMatchObject({
      cause: expect.objectContaining({ code: 'EOUTBOUNDBLOCKED' }),
    });
    expect(seen.length).toBe(before);
    expect((await request(`${base}/ok`, { dispatcher: outboundDispatcher(ALLOW) })).statusCode).toBe(200);
  });

  it('reports a refused connection as a network failure naming only the host', async () => {
    await expect(outboundRequest('http://127.0.0.1:9/path?key=s3cr3t', { timeoutMs: 1_000 }, ALLOW)).rejects.toMatchObject({
      kind: 'network',
      message: 'Could not reach 127.0.0.1:9 (ECONNREFUSED)',
    });
  });
});
