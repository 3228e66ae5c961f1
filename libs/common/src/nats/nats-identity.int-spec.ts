import { durableName, NATS_PERMISSIONS, natsPasswordVariable } from '@agentry/contracts';
import { NATS_AUTH_CONF, startNats, TestNats } from '@agentry/testing';
import pino from 'pino';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { connectNats, ensureEventsStream, NatsHandles, natsIdentity } from './nats';

/** connectNats against nats-server running deploy/nats/auth.conf (real server, real users and permissions). */
describe('connectNats with a service user', () => {
  const passwords = Object.fromEntries(Object.keys(NATS_PERMISSIONS).map((user) => [user, `p${user}-0123456789`]));
  let nats: TestNats;
  const handles: NatsHandles[] = [];
  const logged: Array<{ level: number; msg: string; err?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });

  const as = async (service: string) => {
    const h = await connectNats(
      nats.url,
      `${service}-test`,
      natsIdentity({ NATS_USER: service, NATS_PASSWORD: passwords[service] }),
      logger,
    );
    handles.push(h);
    return h;
  };

  beforeAll(async () => {
    nats = await startNats({
      config: NATS_AUTH_CONF,
      env: Object.fromEntries(Object.entries(passwords).map(([u, p]) => [natsPasswordVariable(u), p])),
    });
  });

  afterAll(async () => {
    await Promise.all(handles.map((h) => h.nc.close()));
    await nats?.stop();
  });

  it('signs in only with NATS_USER set, and then takes the inbox its user alone may read', () => {
    expect(natsIdentity({ NATS_USER: '', NATS_PASSWORD: '' })).toEqual({});
    expect(natsIdentity({ NATS_USER: 'gateway', NATS_PASSWORD: 'secret-1234' })).toEqual({
      user: 'gateway',
      pass: 'secret-1234',
      inboxPrefix: '_INBOX_gateway',
    });
  });

  it('makes a request from one service to another through their own inboxes', async () => {
    const agents = await as('agents');
    agents.nc.subscribe('agents.list', { callback: (_err, m) => void m.respond('{"data":[]}') });
    await agents.nc.flush();
    const gateway = await as('gateway');

    const reply = await gateway.nc.request('agents.list', '{}', { timeout: 5_000 });

    expect(reply.string()).toBe('{"data":[]}');
    expect(reply.subject.startsWith('_INBOX_gateway.')).toBe(true);
  });

  it('provisions JetStream as the provisioner (`npm run nats-provision`), once, which a service user may not', async () => {
    const provision = () =>
      new Promise<{ code: number; out: string }>((resolve) =>
        execFile(
          process.execPath,
          [join(__dirname, '../../dist/nats/provision-main.js')],
          { env: { PATH: process.env.PATH, NATS_URL: nats.url, NATS_USER: 'provisioner', NATS_PASSWORD: passwords.provisioner } },
          (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
        ),
      );
    const webhooks = await as('webhooks');
    await expect(webhooks.jsm.streams.info('AGENTRY_EVENTS')).rejects.toThrow(/not found/);
    await expect(ensureEventsStream(webhooks.jsm)).rejects.toThrow();

    const first = await provision();
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toContain('created stream AGENTRY_EVENTS');
    expect(first.out).toContain(`consumer ${durableName('webhooks-messages', 'agentry.executions.succeeded')}`);
    expect(first.out).toContain('key-value bucket agentry_rate_limits');
    expect(await provision()).toEqual({ code: 0, out: 'JetStream already provisioned\n' });
    // the services' own path now finds what they need and creates nothing
    await ensureEventsStream(webhooks.jsm);
    const info = await webhooks.jsm.consumers.info('AGENTRY_EVENTS', durableName('webhooks-messages', 'agentry.executions.succeeded'));
    expect(info.config).toMatchObject({ filter_subject: 'agentry.executions.succeeded', ack_policy: 'explicit' });
  });

  it('logs what the server refuses, which NATS reports only on the connection status', async () => {
    const gateway = await as('gateway');
    gateway.nc.publish('executions.wake', '');
    await gateway.nc.flush();

    const found = await new Promise<boolean>((resolve) => {
      const deadline = Date.now() + 5_000;
      const look = () => {
        if (logged.some((l) => l.msg === 'NATS refused an operation' && /executions\.wake/.test(l.err ?? ''))) resolve(true);
        else if (Date.now() > deadline) resolve(false);
        else setTimeout(look, 20);
      };
      look();
    });
    expect(found).toBe(true);
    expect(logged.find((l) => l.msg === 'NATS refused an operation')?.level).toBe(50); // error
    expect(nats.violations().join('\n')).toContain('Publish Violation - User "gateway", Subject "executions.wake"');
  });
});
