import { AgentsEvents, EVENTS_STREAM, EventEnvelope } from '@agentry/contracts';
import { createTestDatabase, startNats, TestDatabase, TestNats } from '@agentry/testing';
import { DeliverPolicy, JetStreamManager } from '@nats-io/jetstream';
import pino from 'pino';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createServiceDataSource } from '../src/database/data-source';
import { createBaseTables } from '../src/database/base-tables.migration';
import { DurableConsumer } from '../src/consumer/durable-consumer';
import { connectNats, ensureEventsStream, NatsHandles } from '../src/nats/nats';
import { Outbox } from '../src/outbox/outbox';
import { OutboxRelay } from '../src/outbox/outbox-relay';

const SCHEMA = 'outbox_test';
const logger = pino({ level: 'silent' });

class InitOutboxTest1763900000000 implements MigrationInterface {
  name = 'InitOutboxTest1763900000000';
  async up(q: QueryRunner): Promise<void> {
    await createBaseTables(q, SCHEMA);
    await q.query(`CREATE TABLE ${SCHEMA}.applied (event_id text NOT NULL)`);
  }
  async down(): Promise<void> {}
}

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await probe();
  }
  return last;
}

async function streamEventIds(jsm: JetStreamManager, subject: string): Promise<string[]> {
  const info = await jsm.streams.info(EVENTS_STREAM);
  const ids: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await jsm.streams.getMessage(EVENTS_STREAM, { seq }).catch(() => null);
    if (msg && msg.subject === subject) ids.push(msg.json<EventEnvelope>().id);
  }
  return ids;
}

describe('transactional outbox and idempotent consumers (real PostgreSQL and NATS)', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let ds: DataSource;
  let handles: NatsHandles;
  const outbox = new Outbox();

  const addAgentEvent = (agentId: string) =>
    ds.transaction((m) =>
      outbox.add(m, AgentsEvents.created, 'wks_test', { agent_id: agentId, slug: agentId, version: 1, status: 'active' }),
    );
  const unpublished = async () =>
    Number((await ds.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.outbox WHERE published_at IS NULL`))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase('outbox');
    nats = await startNats();
    ds = await createServiceDataSource({ url: db.url, schema: SCHEMA, entities: [], migrations: [InitOutboxTest1763900000000] });
    handles = await connectNats(nats.url, 'outbox-test');
    await ensureEventsStream(handles.jsm);
  });

  afterAll(async () => {
    await handles?.nc.close();
    await ds?.destroy();
    await nats?.stop();
    await db?.drop();
  });

  it('publishes events written while the relay was stopped, once it runs, exactly once', async () => {
    const written = [await addAgentEvent('a1'), await addAgentEvent('a2'), await addAgentEvent('a3')];
    expect(await streamEventIds(handles.jsm, AgentsEvents.created)).toEqual([]);

    const relay = new OutboxRelay(ds, handles.js, SCHEMA, logger, { pollIntervalMs: 100 });
    relay.start();
    await eventually(unpublished, (n) => n === 0, 'outbox drained');
    await relay.stop();

    expect(await streamEventIds(handles.jsm, AgentsEvents.created)).toEqual(written.map((e) => e.id));
  });

  it('does not publish twice when the relay dies between publishing and committing the batch', async () => {
    const written = [await addAgentEvent('b1'), await addAgentEvent('b2')];
    const rows: Record<string, unknown>[] = await ds.query(`SELECT id, subject, payload, request_id FROM ${SCHEMA}.outbox ORDER BY seq`);
    expect(rows.map((r) => r.id)).toEqual(written.map((e) => e.id));
    const relay = new OutboxRelay(ds, handles.js, SCHEMA, logger, { pollIntervalMs: 100 });
    relay.start();
    await eventually(unpublished, (n) => n === 0, 'outbox drained');
    await relay.stop();
    const before = await streamEventIds(handles.jsm, AgentsEvents.created);
    expect(before.slice(-2)).toEqual(written.map((e) => e.id));
    // The batch is back, as if the process died after JetStream acked but before the DELETE committed.
    for (const r of rows) {
      await ds.query(`INSERT INTO ${SCHEMA}.outbox (id, subject, payload, request_id) VALUES ($1, $2, $3::jsonb, $4)`, [
        r.id,
        r.subject,
        JSON.stringify(r.payload),
        r.request_id,
      ]);
    }
    const again = new OutboxRelay(ds, handles.js, SCHEMA, logger, { pollIntervalMs: 100 });
    again.start();
    await eventually(unpublished, (n) => n === 0, 'outbox drained again');
    await again.stop();
    expect(await streamEventIds(handles.jsm, AgentsEvents.created)).toEqual(before);
  });

  it('keeps events while NATS is down and publishes them once it is back', async () => {
    const relay = new OutboxRelay(ds, handles.js, SCHEMA, logger, { pollIntervalMs: 100 });
    relay.start();
    await nats.halt();
    const event = await addAgentEvent('during-outage');
    outbox.attachRelay(relay);
    outbox.flush();
    await new Promise((r) => setTimeout(r, 500));
    expect(await unpublished()).toBe(1);
    await nats.start();
    await eventually(unpublished, (n) => n === 0, 'outbox drained after NATS came back', 30_000);
    await relay.stop();
    const ids = await streamEventIds(handles.jsm, AgentsEvents.created);
    expect(ids.filter((id) => id === event.id)).toHaveLength(1);
  });

  it('applies an event delivered twice only once', async () => {
    const envelope = await addAgentEvent('dup');
    // published twice under different message ids, so JetStream's dedup does not hide the duplicate
    await handles.js.publish(AgentsEvents.created, JSON.stringify(envelope), { msgID: `${envelope.id}-a` });
    await handles.js.publish(AgentsEvents.created, JSON.stringify(envelope), { msgID: `${envelope.id}-b` });
    const applied: string[] = [];
    const consumer = new DurableConsumer(
      ds,
      handles.js,
      handles.jsm,
      SCHEMA,
      logger,
      { name: 'dup-test', subjects: [AgentsEvents.created] },
      {
        [AgentsEvents.created]: async (event, m) => {
          applied.push(event.id);
          await m.query(`INSERT INTO ${SCHEMA}.applied (event_id) VALUES ($1)`, [event.id]);
        },
      },
    );
    // start from the duplicates only
    await handles.jsm.consumers.add(EVENTS_STREAM, {
      durable_name: `dup-test-${AgentsEvents.created.replace(/\./g, '_')}`,
      filter_subject: AgentsEvents.created,
      deliver_policy: DeliverPolicy.All,
      ack_policy: 'explicit' as never,
    });
    await consumer.start();
    const rows = await eventually(
      async () => Number((await ds.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.applied WHERE event_id = $1`, [envelope.id]))[0].n),
      (n) => n >= 1,
      'duplicate applied',
    );
    // give the second copy time to arrive and be skipped
    await eventually(
      async () => (await handles.jsm.consumers.info(EVENTS_STREAM, `dup-test-${AgentsEvents.created.replace(/\./g, '_')}`)).num_pending,
      (n) => n === 0,
      'consumer caught up',
    );
    await new Promise((r) => setTimeout(r, 200));
    await consumer.stop();
    expect(rows).toBe(1);
    expect(Number((await ds.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.applied WHERE event_id = $1`, [envelope.id]))[0].n)).toBe(1);
    expect(applied.filter((id) => id === envelope.id)).toHaveLength(1);
  });
});
