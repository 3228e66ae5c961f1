#!/usr/bin/env node
// Webhook delivery benchmark: `npm run bench:webhooks`.
// Starts a private stack (gateway + webhooks, its own database and nats-server), publishes
// `agentry.executions.succeeded` events to JetStream the way the executions service's outbox does, and
// measures at a keep-alive receiver on 127.0.0.1 (which checks signatures on a sample):
//   1. burst: N events as fast as they can be published -> deliveries per second;
//   2. paced: R events/s for S seconds (the engine's run rate) -> p50/p99 from the event to the receiver's 200;
// both alone and with 10 black-hole endpoints (accept, never answer) beside the healthy one.
// Knobs: BENCH_EVENTS (2000), BENCH_RATE (200), BENCH_SECONDS (10).
'use strict';
const { spawnSync } = require('node:child_process');
const { createHmac } = require('node:crypto');
const { createServer } = require('node:http');
const { join } = require('node:path');

const root = join(__dirname, '..');
const EVENTS = Number(process.env.BENCH_EVENTS || 2000);
const RATE = Number(process.env.BENCH_RATE || 200);
const SECONDS = Number(process.env.BENCH_SECONDS || 10);

function build() {
  const r = spawnSync(
    'npx',
    ['tsc', '-b', 'apps/webhooks/tsconfig.build.json', 'apps/gateway/tsconfig.build.json', 'libs/testing/tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Keep-alive receiver: answers 200 at once, records arrival per workspace, verifies one signature in 50. */
async function startReceiver(secrets) {
  const seen = new Map();
  let badSignatures = 0;
  let checked = 0;
  const server = createServer({ keepAlive: true, keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString('utf8'));
      const list = seen.get(body.workspace_id) ?? [];
      list.push({ at: now, latency: now - Date.parse(body.timestamp) });
      seen.set(body.workspace_id, list);
      if (list.length % 50 === 1) {
        checked++;
        const secret = secrets.get(body.workspace_id);
        const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
        if (req.headers['x-agentry-signature'] !== expected) badSignatures++;
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, seen, port: server.address().port, stats: () => ({ checked, badSignatures }) };
}

/** Accepts connections and requests, never answers. */
async function startBlackHole() {
  const sockets = new Set();
  const server = createServer(() => undefined);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

async function main() {
  if (!process.env.BENCH_SKIP_BUILD) build();
  const { startStack, TestSession } = require(join(root, 'libs/testing/dist'));
  const { connect } = require('@nats-io/transport-node');
  const { jetstream } = require('@nats-io/jetstream');
  const { monotonicFactory } = require('ulid');
  const ulid = monotonicFactory();

  process.stdout.write('starting gateway + webhooks (own database and nats-server)…\n');
  const stack = await startStack({
    services: ['gateway', 'webhooks'],
    label: 'bench_webhooks',
    env: { AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true', LOG_LEVEL: 'warn' },
    perServiceEnv: { webhooks: { DATABASE_POOL_SIZE: '10' }, gateway: { DATABASE_POOL_SIZE: '4' } },
  });
  const nc = await connect({ servers: stack.natsUrl });
  const js = jetstream(nc);
  const secrets = new Map();
  const rx = await startReceiver(secrets);
  const holes = [];
  try {
    const workspace = async (blackHoles) => {
      const s = await TestSession.create(stack);
      const ep = await s.post('/v1/webhook-endpoints', {
        url: `http://127.0.0.1:${rx.port}/hook`,
        event_types: ['agent.execution.success'],
      });
      secrets.set(s.workspace.id, ep.body.secret);
      for (let i = 0; i < blackHoles; i++) {
        const h = await startBlackHole();
        holes.push(h);
        await s.post('/v1/webhook-endpoints', { url: `http://127.0.0.1:${h.port}/hook`, event_types: ['*'] });
      }
      return s.workspace.id;
    };
    const publish = (workspaceId) => {
      const id = `evt_${ulid()}`;
      const envelope = {
        id,
        type: 'executions.succeeded',
        version: 1,
        occurred_at: new Date().toISOString(),
        workspace_id: workspaceId,
        data: {
          execution_id: `exe_${ulid()}`,
          agent_id: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
          status: 'succeeded',
          trigger_type: 'api',
          summary: 'ok',
          output: { score: 0.93, label: 'qualified' },
          tokens_used: 812,
          duration_ms: 940,
        },
      };
      return js.publish('agentry.executions.succeeded', JSON.stringify(envelope), { msgID: id });
    };
    const waitFor = async (workspaceId, n, timeoutMs = 180_000) => {
      const end = Date.now() + timeoutMs;
      while ((rx.seen.get(workspaceId)?.length ?? 0) < n) {
        if (Date.now() > end) throw new Error(`only ${rx.seen.get(workspaceId)?.length ?? 0} of ${n} deliveries arrived`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return rx.seen.get(workspaceId);
    };

    const burst = async (label, blackHoles) => {
      const ws = await workspace(blackHoles);
      const t0 = Date.now();
      for (let i = 0; i < EVENTS; i += 100) await Promise.all(Array.from({ length: Math.min(100, EVENTS - i) }, () => publish(ws)));
      const published = Date.now();
      const got = await waitFor(ws, EVENTS);
      const last = Math.max(...got.map((g) => g.at));
      const lat = got.map((g) => g.latency).sort((a, b) => a - b);
      return {
        label,
        events: EVENTS,
        'published/s': Math.round(EVENTS / ((published - t0) / 1000)),
        'deliveries/s': Math.round(EVENTS / ((last - t0) / 1000)),
        'p50 ms': percentile(lat, 50),
        'p99 ms': percentile(lat, 99),
      };
    };
    const paced = async (label, blackHoles) => {
      const ws = await workspace(blackHoles);
      const total = RATE * SECONDS;
      const t0 = Date.now();
      for (let i = 0; i < total; i++) {
        const due = t0 + (i * 1000) / RATE;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        void publish(ws);
      }
      const got = await waitFor(ws, total);
      const lat = got.map((g) => g.latency).sort((a, b) => a - b);
      return {
        label,
        events: total,
        'rate/s': RATE,
        'deliveries/s': Math.round(total / ((Math.max(...got.map((g) => g.at)) - t0) / 1000)),
        'p50 ms': percentile(lat, 50),
        'p99 ms': percentile(lat, 99),
        'max ms': lat[lat.length - 1],
      };
    };

    const results = [];
    results.push(await burst('burst, healthy endpoint alone', 0));
    results.push(await paced(`paced ${RATE}/s, healthy endpoint alone`, 0));
    results.push(await burst('burst, + 10 black-hole endpoints', 10));
    results.push(await paced(`paced ${RATE}/s, + 10 black-hole endpoints`, 10));
    process.stdout.write('\nWebhook delivery (signed, keep-alive receiver on 127.0.0.1, event published -> receiver 200)\n');
    console.table(results);
    const { checked, badSignatures } = rx.stats();
    process.stdout.write(`signatures checked: ${checked}, bad: ${badSignatures}\n`);
    if (badSignatures) process.exitCode = 1;
  } finally {
    for (const h of holes) h.close();
    rx.server.closeAllConnections?.();
    rx.server.close();
    await nc.close();
    await stack.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
