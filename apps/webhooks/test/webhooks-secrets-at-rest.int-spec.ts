import { SealedSecrets } from '@agentry/common';
import { ExecutionsEvents } from '@agentry/contracts';
import { serviceMain, startStack, TestSession, TestStack } from '@agentry/testing';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { EventPublisher, eventually, executionData } from './support/events';
import { FakeReceiver } from './support/fake-receiver';
import { verifySignature, verifyStandard } from './support/verify';

jest.setTimeout(120_000);

const SEALED = /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const FIRST_KEY = randomBytes(32).toString('base64');
/** How a value sealed under a key during a rotation starts. */
const rotationPrefixOf = (key: string) => `v2.${SealedSecrets.derive('agentry-webhooks', Buffer.from(key, 'base64')).keyId}.`;

/** Signing secrets are stored sealed (AES-256-GCM under WEBHOOK_SECRETS_KEY, bound to their row), and still sign. */
describe('webhook signing secrets at rest (real gateway, webhooks service, PostgreSQL, NATS)', () => {
  let stack: TestStack;
  let events: EventPublisher;
  let db: Client;
  const receivers: FakeReceiver[] = [];
  const receiver = async () => {
    const r = await FakeReceiver.start();
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    stack = await startStack({
      services: ['gateway', 'webhooks'],
      label: 'webhooks_secrets',
      env: {
        AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true',
        WEBHOOKS_POLL_INTERVAL_MS: '100',
        WEBHOOKS_SECRET_OVERLAP_MS: '600000',
        WEBHOOK_SECRETS_KEY: FIRST_KEY,
      },
    });
    events = await EventPublisher.connect(stack.natsUrl);
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await events?.close();
    await Promise.all(receivers.map((r) => r.stop()));
    await stack?.stop();
  });

  /** Every row of both secret tables, whole, as text: no plaintext may hide in any column. */
  const storedRows = async () =>
    (
      await db.query<{ row: string }>(
        `SELECT e::text AS row FROM webhooks.endpoints e UNION ALL SELECT c::text FROM webhooks.callback_signers c`,
      )
    ).rows.map((r) => r.row);
  const endpointRow = async (id: string) =>
    (await db.query('SELECT secret, previous_secret FROM webhooks.endpoints WHERE id = $1', [id])).rows[0] as {
      secret: string;
      previous_secret: string | null;
    };
  const callbackRow = async (workspaceId: string) =>
    (await db.query('SELECT secret, previous_secret FROM webhooks.callback_signers WHERE workspace_id = $1', [workspaceId])).rows[0] as {
      secret: string;
      previous_secret: string | null;
    };
  /** A workspace with an endpoint whose secret was rotated once, and its callback secret; receivers for both. */
  const rotatedEndpoint = async () => {
    const session = await TestSession.create(stack);
    const [rx, cb] = [await receiver(), await receiver()];
    const ep = (await session.post('/v1/webhook-endpoints', { url: rx.url(), event_types: ['agent.execution.success'] })).body;
    const rotated = (await session.post(`/v1/webhook-endpoints/${ep.id}/rotate-secret`, {})).body;
    const callback = (await session.get('/v1/webhook-callback-secret')).body.secret as string;
    return { session, rx, cb, ep, rotated, callback };
  };
  const publishRun = async (session: TestSession, callbackUrl?: string) =>
    events.publish(
      ExecutionsEvents.succeeded,
      events.envelope(ExecutionsEvents.succeeded, session.workspace.id, executionData(callbackUrl ? { callback_url: callbackUrl } : {})),
    );
  const nextRequest = async (rx: FakeReceiver, count: number) =>
    (
      await eventually(
        () => rx.requests,
        (r) => r.length >= count,
        `delivery ${count}`,
      )
    )[count - 1];

  it('stores no plaintext secret (current, previous after a rotation, callback), and deliveries verify with the secrets the API shows', async () => {
    const session = await TestSession.create(stack);
    const [rx, cb] = [await receiver(), await receiver()];
    const created = await session.post('/v1/webhook-endpoints', { url: rx.url(), event_types: ['agent.execution.success'] });
    expect(created.status).toBe(201);
    const first = created.body.secret as string;
    expect(first).toMatch(/^whsec_/);
    const rotated = await session.post(`/v1/webhook-endpoints/${created.body.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.previous_secret).toBe(first);
    const callback = (await session.get('/v1/webhook-callback-secret')).body.secret as string;
    const callbackRotated = await session.post('/v1/webhook-callback-secret/rotate', {});
    expect(callbackRotated.status).toBe(200);
    expect(callbackRotated.body.previous_secret).toBe(callback);

    const plaintexts = [first, rotated.body.secret, callback, callbackRotated.body.secret] as string[];
    const rows = await storedRows();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect(row).not.toContain('whsec_');
    for (const row of rows) for (const p of plaintexts) expect(row).not.toContain(p.slice(6));
    const ep = await endpointRow(created.body.id);
    expect(ep.secret).toMatch(SEALED);
    expect(ep.previous_secret).toMatch(SEALED);
    const signer = await callbackRow(session.workspace.id);
    expect(signer.secret).toMatch(SEALED);
    expect(signer.previous_secret).toMatch(SEALED);
    expect((await session.get(`/v1/webhook-endpoints/${created.body.id}/secret`)).body).toEqual(rotated.body);
    expect((await session.get('/v1/webhook-callback-secret')).body).toEqual(callbackRotated.body);

    await publishRun(session, cb.url('/cb'));
    const req = await nextRequest(rx, 1);
    expect(() => verifyStandard(rotated.body.secret, req)).not.toThrow();
    expect(() => verifyStandard(first, req)).not.toThrow();
    expect(verifySignature(req.raw, req.headers['x-agentry-signature'], rotated.body.secret)).toBe(true);
    expect(verifySignature(req.raw, req.headers['x-agentry-signature-previous'], first)).toBe(true);
    const cbReq = await nextRequest(cb, 1);
    expect(() => verifyStandard(callbackRotated.body.secret, cbReq)).not.toThrow();
    expect(verifySignature(cbReq.raw, cbReq.headers['x-agentry-signature'], callbackRotated.body.secret)).toBe(true);
    expect(verifySignature(cbReq.raw, cbReq.headers['x-agentry-signature-previous'], callback)).toBe(true);
  });

  it('does not open a sealed secret copied into another row', async () => {
    const [a, b] = [await TestSession.create(stack), await TestSession.create(stack)];
    const url = (await receiver()).url();
    const epA = (await a.post('/v1/webhook-endpoints', { url, event_types: ['*'] })).body;
    const epB = (await b.post('/v1/webhook-endpoints', { url, event_types: ['*'] })).body;
    await db.query(`UPDATE webhooks.endpoints SET secret = (SELECT secret FROM webhooks.endpoints WHERE id = $1) WHERE id = $2`, [
      epA.id,
      epB.id,
    ]);

    expect((await a.get(`/v1/webhook-endpoints/${epA.id}/secret`)).body.secret).toBe(epA.secret);
    const stolen = await b.get(`/v1/webhook-endpoints/${epB.id}/secret`);
    expect(stolen.status).toBe(500);
    expect(JSON.stringify(stolen.body)).not.toContain('whsec_');
  });

  it('seals secrets stored in plaintext (rows from before encryption) at start, and they keep signing', async () => {
    const { session, rx, cb, ep, rotated, callback } = await rotatedEndpoint();
    await db.query(`UPDATE webhooks.endpoints SET secret = $2, previous_secret = $3 WHERE id = $1`, [ep.id, rotated.secret, ep.secret]);
    await db.query(`UPDATE webhooks.callback_signers SET secret = $2 WHERE workspace_id = $1`, [session.workspace.id, callback]);

    // before the sweep: the plaintext rows are read as they are
    expect((await session.get(`/v1/webhook-endpoints/${ep.id}/secret`)).body).toEqual(rotated);
    await publishRun(session, cb.url('/cb'));
    const before = await nextRequest(rx, 1);
    expect(verifySignature(before.raw, before.headers['x-agentry-signature'], rotated.secret)).toBe(true);
    const callbackBefore = await nextRequest(cb, 1);
    expect(() => verifyStandard(callback, callbackBefore)).not.toThrow();

    await stack.stopService('webhooks');
    await stack.startService('webhooks');

    const row = await endpointRow(ep.id);
    expect(row.secret).toMatch(SEALED);
    expect(row.previous_secret).toMatch(SEALED);
    expect((await callbackRow(session.workspace.id)).secret).toMatch(SEALED);
    for (const stored of await storedRows()) expect(stored).not.toContain('whsec_');
    expect((await session.get(`/v1/webhook-endpoints/${ep.id}/secret`)).body).toEqual(rotated);
    expect((await session.get('/v1/webhook-callback-secret')).body.secret).toBe(callback);

    await publishRun(session, cb.url('/cb'));
    const req = await nextRequest(rx, 2);
    expect(() => verifyStandard(rotated.secret, req)).not.toThrow();
    expect(() => verifyStandard(ep.secret, req)).not.toThrow();
    expect(verifySignature(req.raw, req.headers['x-agentry-signature'], rotated.secret)).toBe(true);
    const callbackAfter = await nextRequest(cb, 2);
    expect(() => verifyStandard(callback, callbackAfter)).not.toThrow();
  });

  it('rotates WEBHOOK_SECRETS_KEY: with the old key in the ring a restart seals every secret again under the new one, and they keep signing', async () => {
    const { session, rx, cb, ep, rotated, callback } = await rotatedEndpoint();
    // no rotation under way: sealed as v1, which replicas of the version before keyrings read too
    const before = await endpointRow(ep.id);
    expect(before.secret).toMatch(SEALED);
    expect(before.previous_secret).toMatch(SEALED);
    expect((await callbackRow(session.workspace.id)).secret).toMatch(SEALED);

    const next = randomBytes(32).toString('base64');
    await stack.stopService('webhooks');
    await stack.startService('webhooks', { WEBHOOK_SECRETS_KEY: next, WEBHOOK_SECRETS_KEYRING: FIRST_KEY });

    const after = await endpointRow(ep.id);
    expect(after.secret.startsWith(rotationPrefixOf(next))).toBe(true);
    expect(after.previous_secret!.startsWith(rotationPrefixOf(next))).toBe(true);
    expect((await callbackRow(session.workspace.id)).secret.startsWith(rotationPrefixOf(next))).toBe(true);
    expect((await session.get(`/v1/webhook-endpoints/${ep.id}/secret`)).body).toEqual(rotated);
    expect((await session.get('/v1/webhook-callback-secret')).body.secret).toBe(callback);
    await publishRun(session, cb.url('/cb'));
    const req = await nextRequest(rx, 1);
    expect(() => verifyStandard(rotated.secret, req)).not.toThrow();
    expect(() => verifyStandard(ep.secret, req)).not.toThrow();
    const atCallback = await nextRequest(cb, 1);
    expect(() => verifyStandard(callback, atCallback)).not.toThrow();

    // every value is under the new key now: the old one can leave the ring, and values are v1 again
    await stack.stopService('webhooks');
    await stack.startService('webhooks', { WEBHOOK_SECRETS_KEYRING: '' });
    expect((await session.get(`/v1/webhook-endpoints/${ep.id}/secret`)).body).toEqual(rotated);
    expect((await session.get('/v1/webhook-callback-secret')).body.secret).toBe(callback);
    expect((await endpointRow(ep.id)).secret).toMatch(SEALED); // back to v1: a rollback to before keyrings reads it
    const later = (await session.post('/v1/webhook-endpoints', { url: rx.url(), event_types: ['agent.execution.success'] })).body;
    expect((await endpointRow(later.id)).secret).toMatch(SEALED);
  });

  it('refuses to start in production without WEBHOOK_SECRETS_KEY', async () => {
    const run = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(
        process.execPath,
        [serviceMain('webhooks')],
        { env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: stack.databaseUrl, NATS_URL: stack.natsUrl } },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
      ),
    );

    expect(run.code).toBe(1);
    expect(run.out).toContain('WEBHOOK_SECRETS_KEY: is required when NODE_ENV=production');
  });
});
