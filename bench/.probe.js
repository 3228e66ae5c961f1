const { join } = require('node:path');
const root = '/work/main';
const { startStack, TestSession } = require(join(root, 'libs/testing/dist'));
const { connect } = require('@nats-io/transport-node');
const { jetstream } = require('@nats-io/jetstream');
const { monotonicFactory } = require('ulid');
const { Client } = require('pg');
const http = require('node:http');
const ulid = monotonicFactory();
(async () => {
  const stack = await startStack({ services: ['gateway', 'webhooks'], label: 'probe', env: { AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true', LOG_LEVEL: process.env.LL || 'warn' }, perServiceEnv: { webhooks: { DATABASE_POOL_SIZE: '10' } } });
  let got = 0;
  const server = http.createServer({ keepAlive: true }, (req, res) => { req.resume(); req.on('end', () => { got++; res.end('ok'); }); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const s = await TestSession.create(stack);
  await s.post('/v1/webhook-endpoints', { url: `http://127.0.0.1:${server.address().port}/h`, event_types: ['*'] });
  const nc = await connect({ servers: stack.natsUrl }); const js = jetstream(nc);
  const pg = new Client({ connectionString: stack.databaseUrl }); await pg.connect();
  const t0 = Date.now();
  for (let i = 0; i < 1000; i += 100) await Promise.all(Array.from({ length: 100 }, () => { const id = `evt_${ulid()}`; return js.publish('agentry.executions.succeeded', JSON.stringify({ id, type: 'executions.succeeded', version: 1, occurred_at: new Date().toISOString(), workspace_id: s.workspace.id, data: { execution_id: 'exe_1', agent_id: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G', status: 'succeeded', trigger_type: 'api' } }), { msgID: id }); }));
  console.log('published in', Date.now() - t0);
  while (got < 1000) {
    const r = await pg.query(`SELECT (SELECT count(*) FROM webhooks.messages) m, (SELECT count(*) FROM webhooks.deliveries WHERE status='succeeded') s, (SELECT count(*) FROM webhooks.delivery_attempts) a`);
    console.log(Date.now() - t0, 'received', got, JSON.stringify(r.rows[0]));
    await new Promise((r) => setTimeout(r, 1000));
  }
  await pg.end(); await nc.close(); server.close(); await stack.stop();
})();
