import { loadConfig } from '@agentry/common';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ExecutionsConfig } from '../../config/executions.config';
import { ConnectionCredentials } from '../http/connection-credentials';
import { HttpStep } from './http.step';
import { StepError } from './step-error';
import { testStepContext } from './step-context.testing';
import { StepRunContext } from './step-runner';

function context(w: Record<string, unknown>, signal = new AbortController().signal): StepRunContext {
  return testStepContext('http', w, { signal });
}

async function failure(p: Promise<unknown>): Promise<StepError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StepError) return err;
    throw err;
  }
  throw new Error('expected a StepError');
}

describe(HttpStep.name, () => {
  let server: Server;
  let port: number;
  const steps: HttpStep[] = [];
  const make = (env: Record<string, string>) => {
    const sut = new HttpStep(loadConfig(ExecutionsConfig, env), {} as ConnectionCredentials);
    steps.push(sut);
    return sut;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, ua: req.headers['user-agent'] }));
      } else if (req.url === '/missing') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('nope');
      } else if (req.url === '/broken') {
        res.writeHead(502);
        res.end();
      } else if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(4096));
      } else if (req.url === '/redirect') {
        res.writeHead(302, { location: '/json' });
        res.end();
      } // '/hang' never answers
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await Promise.all(steps.map((s) => s.onApplicationShutdown()));
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  describe('without AGENTRY_ALLOW_PRIVATE_NETWORKS', () => {
    const sut = () => make({});

    it.each([
      ['an IP literal', () => `http://127.0.0.1:${port}/json`],
      ['a name that resolves to loopback', () => `http://localhost:${port}/json`],
      ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ])('refuses %s with OUTBOUND_ADDRESS_REFUSED', async (_case, url) => {
      const err = await failure(sut().run(context({ method: 'GET', url: url() })));

      expect(err.code).toBe('OUTBOUND_ADDRESS_REFUSED');
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(/AGENTRY_ALLOW_PRIVATE_NETWORKS=true/);
    });
  });

  describe('with private networks allowed', () => {
    const sut = () => make({ AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true', HTTP_MAX_RESPONSE_BYTES: '1024' });

    it('returns status, headers and the parsed JSON body, following redirects', async () => {
      const out = await sut().run(context({ method: 'post', url: `http://127.0.0.1:${port}/redirect`, body: { a: 1 } }));

      expect(out).toEqual({
        type: 'succeeded',
        output: {
          status: 200,
          headers: expect.objectContaining({ 'content-type': 'application/json' }),
          body: { method: 'GET', ua: expect.stringMatching(/^Agentry/) },
        },
      });
    });

    it('treats a 4xx as output and a 5xx as a retryable failure carrying the response', async () => {
      const missing = await sut().run(context({ method: 'GET', url: `http://127.0.0.1:${port}/missing` }));
      const broken = await failure(sut().run(context({ method: 'GET', url: `http://127.0.0.1:${port}/broken` })));

      expect(missing).toMatchObject({ type: 'succeeded', output: { status: 404, body: 'nope' } });
      expect(broken).toMatchObject({ code: 'HTTP_ERROR', retryable: true, output: { status: 502 } });
    });

    it('times out with STEP_TIMEOUT (retryable)', async () => {
      const err = await failure(sut().run(context({ method: 'GET', url: `http://127.0.0.1:${port}/hang`, timeout_ms: 200 })));

      expect(err).toMatchObject({ code: 'STEP_TIMEOUT', retryable: true });
    });

    it('refuses a response larger than HTTP_MAX_RESPONSE_BYTES', async () => {
      const err = await failure(sut().run(context({ method: 'GET', url: `http://127.0.0.1:${port}/big` })));

      expect(err.code).toBe('HTTP_RESPONSE_TOO_LARGE');
    });

    it('rejects a bad method or URL as INVALID_STEP_INPUT', async () => {
      expect((await failure(sut().run(context({ method: 'FETCH', url: 'http://x.test' })))).code).toBe('INVALID_STEP_INPUT');
      expect((await failure(sut().run(context({ method: 'GET', url: 'ftp://x.test' })))).code).toBe('INVALID_STEP_INPUT');
    });
  });
});
