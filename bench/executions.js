#!/usr/bin/env node
// Execution engine benchmark: `npm run bench:executions`.
// Starts a private stack (gateway + agents + executions, its own database and nats-server), makes a
// workspace and a two-step `transform` agent, then measures over HTTP:
//   1. async runs: BENCH_ASYNC_CLIENTS clients trigger runs for BENCH_ASYNC_SECONDS; runs completed per
//      second and the p50/p99 time from trigger (client send) to `succeeded` (the run's finished_at);
//   2. sync runs at 50 clients: runs per second;  3. sync runs at 10 clients, then 1 client: p50/p99 latency;
//   4. each service's RSS at the end;  5. per run: database transactions (all services) and CPU ms per service;
//   6. runs of an agent with an effectful step (an `http` POST to a receiver in this process on 127.0.0.1, then a
//      `transform`): async runs completed per second and sync latency at 10 clients, for the path that commits per step.
// Knobs: BENCH_ASYNC_SECONDS (60), BENCH_SYNC_SECONDS (20), BENCH_ASYNC_CLIENTS (64), BENCH_WARMUP_RUNS (2000),
// BENCH_HTTP_SECONDS (20; 0 skips phase 6).
'use strict';
const { spawnSync, execSync } = require('node:child_process');
const os = require('node:os');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const http = require('node:http');

const root = join(__dirname, '..');
const ASYNC_SECONDS = Number(process.env.BENCH_ASYNC_SECONDS || 60);
const SYNC_SECONDS = Number(process.env.BENCH_SYNC_SECONDS || 20);
const ASYNC_CLIENTS = Number(process.env.BENCH_ASYNC_CLIENTS || 64);
const WARMUP_RUNS = Number(process.env.BENCH_WARMUP_RUNS || 2000);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 20);
const SERVICES = ['gateway', 'agents', 'executions'];

function build() {
  const projects = ['apps/executions', 'apps/gateway', 'apps/agents', 'libs/testing'].map((p) => `${p}/tsconfig.build.json`);
  const r = spawnSync('npx', ['tsc', '-b', ...projects], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const fmt = (v, unit = 'ms') => (Number.isNaN(v) ? '-' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${unit}`);

/** process_* gauges from a service's /metrics (prom-client default metrics). */
async function processMetrics(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name) => Number(text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm'))?.[1] ?? NaN);
  return { cpu: read('process_cpu_seconds_total'), rss: read('process_resident_memory_bytes') };
}

async function allMetrics(stack) {
  const out = {};
  for (const s of SERVICES) out[s] = await processMetrics(stack.serviceUrl(s));
  return out;
}

/** CPU seconds (user + system) of a process, from /proc. */
function procCpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** The PostgreSQL backends serving this benchmark's database, and this stack's nats-server: their CPU, apart from anything else on the box. */
async function infraCpu(pg, natsPort) {
  const pids = (await pg.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows.map(
    (r) => r.pid,
  );
  const backends = new Map(pids.map((pid) => [pid, procCpuSeconds(pid)]));
  let nats = NaN;
  for (const d of require('node:fs').readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmd.includes('nats-server') && cmd.split('\0').includes(String(natsPort))) nats = procCpuSeconds(d);
  }
  return { backends, nats };
}

function machineCpuTicks() {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = f.map(Number);
  return { busy: n[0] + n[1] + n[2] + n[5] + n[6] + n[7], total: n.reduce((a, b) => a + b, 0) };
}

/** Closed loop: `clients` workers each send one request at a time until `until`. */
async function load(pool, clients, until, send) {
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < until) await send(pool);
    }),
  );
}

async function main() {
  build();
  const { Pool } = require('undici');
  const { Client } = require('pg');
  const { startStack, agentFactory } = require(join(root, 'libs/testing/dist'));

  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}`,
  );
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
    if (execSync('git status --porcelain', { cwd: root }).toString().trim()) commit += ' (with uncommitted changes)';
  } catch {
    // not a git checkout
  }
  console.log(`commit: ${commit}`);

  const stack = await startStack({
    services: SERVICES,
    label: 'bench_executions',
    env: { LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '10' },
    // The effectful phase calls a receiver on 127.0.0.1, which the outbound address guard refuses by default.
    perServiceEnv: { executions: { WORKER_CONCURRENCY: '1000', AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true' } },
  });
  const pg = new Client({ connectionString: stack.databaseUrl });
  await pg.connect();
  const pool = new Pool(stack.gatewayUrl, { connections: 128 });
  const call = async (method, path, key, body) => {
    const res = await pool.request({
      method,
      path,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  };
  try {
    const ws = await call('POST', '/v1/workspaces', stack.adminKey, { name: 'bench', plan: 'enterprise', requests_per_minute: 1_000_000 });
    if (ws.status !== 201) throw new Error(`workspace: ${JSON.stringify(ws.body)}`);
    const key = ws.body.api_key.key;
    const workspaceId = ws.body.workspace.id;
    const agent = await call('POST', '/v1/agents', key, agentFactory({ max_concurrency: 1000 }));
    if (agent.status !== 201) throw new Error(`agent: ${JSON.stringify(agent.body)}`);
    const runPath = `/v1/agents/${agent.body.id}/runs`;
    const input = { email: 'Lead@Example.com', employees: 250 };
    const failures = { count: 0, last: '' };
    const runOnce = async (asyncRun) => {
      const res = await call('POST', runPath, key, { input, async: asyncRun });
      if (res.status !== (asyncRun ? 202 : 200)) {
        failures.count++;
        failures.last = `${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
      }
      return res;
    };

    console.log(`warm-up: ${WARMUP_RUNS} sync runs…`);
    let warm = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (warm++ < WARMUP_RUNS) await runOnce(false);
      }),
    );

    // 1. async
    console.log(`async: ${ASYNC_CLIENTS} clients for ${ASYNC_SECONDS} s…`);
    const sentAt = new Map();
    const m0 = await allMetrics(stack);
    const dbStats = async () =>
      (
        await pg.query(
          `SELECT xact_commit::bigint AS x, (tup_inserted + tup_updated + tup_deleted)::bigint AS w,
                  (SELECT coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0) FROM pg_stat_user_tables
                    WHERE schemaname = 'executions' AND relname = 'executions')::bigint AS r
             FROM pg_stat_database WHERE datname = current_database()`,
        )
      ).rows[0];
    const { x: x0, w: w0, r: r0 } = await dbStats();
    const i0 = await infraCpu(pg, stack.nats.port);
    // Pool connections come and go (idle timeouts): follow every backend seen, from its first sample to its last.
    const backendCpu = new Map();
    const followBackends = async () => {
      const { backends } = await infraCpu(pg, stack.nats.port);
      for (const [pid, cpu] of backends) {
        if (Number.isNaN(cpu)) continue;
        const seen = backendCpu.get(pid);
        backendCpu.set(pid, seen ? { first: seen.first, last: cpu } : { first: i0.backends.get(pid) ?? cpu, last: cpu });
      }
    };
    const backendSampler = setInterval(() => void followBackends().catch(() => undefined), 500);
    const c0 = machineCpuTicks();
    const t0 = Date.now();
    await load(pool, ASYNC_CLIENTS, t0 + ASYNC_SECONDS * 1000, async () => {
      const sent = Date.now();
      const res = await runOnce(true);
      if (res.status === 202) sentAt.set(res.body.execution_id, sent);
    });
    const t1 = Date.now();
    const c1 = machineCpuTicks();
    // Drain: every accepted run finishes.
    for (;;) {
      const { n } = (
        await pg.query(`SELECT count(*)::int AS n FROM executions.executions WHERE workspace_id = $1 AND finished_at IS NULL`, [
          workspaceId,
        ])
      ).rows[0];
      if (n === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // The outbox relay publishes 5 events per run to JetStream; let it catch up before the sync phases.
    const backlog = async () => (await pg.query(`SELECT count(*)::int AS n FROM executions.outbox WHERE published_at IS NULL`)).rows[0].n;
    const backlogAtEnd = await backlog();
    const relayStart = Date.now();
    while ((await backlog()) > 0) await new Promise((r) => setTimeout(r, 200));
    const relayCatchUpMs = Date.now() - relayStart;
    const m1 = await allMetrics(stack);
    const { x: x1, w: w1, r: r1 } = await dbStats();
    clearInterval(backendSampler);
    await followBackends();
    const i1 = await infraCpu(pg, stack.nats.port);
    let pgCpu = 0;
    for (const { first, last } of backendCpu.values()) pgCpu += last - first;
    const ids = [...sentAt.keys()];
    const rows = (
      await pg.query(
        `SELECT id, status, extract(epoch FROM finished_at) * 1000 AS fin FROM executions.executions WHERE id = ANY($1::text[])`,
        [ids],
      )
    ).rows;
    const inWindow = rows.filter((r) => r.status === 'succeeded' && r.fin >= t0 && r.fin <= t1).length;
    const latencies = rows.map((r) => Number(r.fin) - sentAt.get(r.id)).sort((a, b) => a - b);
    const notSucceeded = rows.filter((r) => r.status !== 'succeeded').length;
    const asyncResult = {
      accepted: ids.length,
      completedPerSecond: inWindow / ((t1 - t0) / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      notSucceeded,
      transactionsPerRun: (Number(x1) - Number(x0)) / ids.length,
      rowsWrittenPerRun: (Number(w1) - Number(w0)) / ids.length,
      // A plan gone wrong shows here first: about 8 is healthy (the foreign-key checks of a run's steps and log lines).
      runRowsReadPerRun: (Number(r1) - Number(r0)) / ids.length,
      cpuMsPerRun: Object.fromEntries(SERVICES.map((s) => [s, ((m1[s].cpu - m0[s].cpu) * 1000) / ids.length])),
      postgresMsPerRun: (pgCpu * 1000) / ids.length,
      natsMsPerRun: ((i1.nats - i0.nats) * 1000) / ids.length,
      machineBusy: (c1.busy - c0.busy) / (c1.total - c0.total),
      backlogAtEnd,
      relayCatchUpMs,
    };

    // 2 & 3. sync
    const syncPhase = async (clients) => {
      const lat = [];
      let done = 0;
      const start = Date.now();
      await load(pool, clients, start + SYNC_SECONDS * 1000, async () => {
        const s = Date.now();
        const res = await runOnce(false);
        if (res.status === 200 && res.body.status === 'succeeded') {
          lat.push(Date.now() - s);
          done++;
        }
      });
      lat.sort((a, b) => a - b);
      return { perSecond: done / ((Date.now() - start) / 1000), p50: percentile(lat, 50), p99: percentile(lat, 99) };
    };
    console.log(`sync: 50 clients for ${SYNC_SECONDS} s…`);
    const sync50 = await syncPhase(50);
    console.log(`sync: 10 clients for ${SYNC_SECONDS} s…`);
    const sync10 = await syncPhase(10);
    console.log(`sync: 1 client for ${SYNC_SECONDS} s…`);
    const sync1 = await syncPhase(1);
    const rss = await allMetrics(stack);

    // 6. an effectful step: the run is inserted, then commits after its http step (no running ahead)
    let effectful = null;
    if (HTTP_SECONDS > 0) {
      const receiver = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
        });
      });
      await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
      try {
        const hook = `http://127.0.0.1:${receiver.address().port}/hook`;
        const withHttp = await call('POST', '/v1/agents', key, {
          ...agentFactory({ max_concurrency: 1000 }),
          definition: {
            steps: [
              { id: 'notify', type: 'http', with: { method: 'POST', url: hook, body: { email: '{{ input.email }}' } } },
              { id: 'score', type: 'transform', with: { expression: '{ "notified": steps.notify.output.status = 200 }' } },
            ],
            output: 'steps.score.output',
          },
        });
        if (withHttp.status !== 201) throw new Error(`agent with an http step: ${JSON.stringify(withHttp.body)}`);
        const httpPath = `/v1/agents/${withHttp.body.id}/runs`;
        const runHttp = async (asyncRun) => {
          const res = await call('POST', httpPath, key, { input, async: asyncRun });
          if (res.status !== (asyncRun ? 202 : 200)) {
            failures.count++;
            failures.last = `${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
          }
          return res;
        };
        console.log(`effectful: async, ${ASYNC_CLIENTS} clients for ${HTTP_SECONDS} s…`);
        const ids = [];
        const e0 = Date.now();
        await load(pool, ASYNC_CLIENTS, e0 + HTTP_SECONDS * 1000, async () => {
          const res = await runHttp(true);
          if (res.status === 202) ids.push(res.body.execution_id);
        });
        const e1 = Date.now();
        for (;;) {
          const { n } = (
            await pg.query(`SELECT count(*)::int AS n FROM executions.executions WHERE id = ANY($1::text[]) AND finished_at IS NULL`, [ids])
          ).rows[0];
          if (n === 0) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        const done = (
          await pg.query(
            `SELECT count(*) FILTER (WHERE status = 'succeeded' AND extract(epoch FROM finished_at) * 1000 BETWEEN $2 AND $3)::int AS in_window,
                    count(*) FILTER (WHERE status <> 'succeeded')::int AS not_succeeded
               FROM executions.executions WHERE id = ANY($1::text[])`,
            [ids, e0, e1],
          )
        ).rows[0];
        console.log(`effectful: sync, 10 clients for ${HTTP_SECONDS} s…`);
        const lat = [];
        const s0 = Date.now();
        await load(pool, 10, s0 + HTTP_SECONDS * 1000, async () => {
          const t = Date.now();
          const res = await runHttp(false);
          if (res.status === 200 && res.body.status === 'succeeded') lat.push(Date.now() - t);
        });
        lat.sort((a, b) => a - b);
        effectful = {
          asyncPerSecond: done.in_window / ((e1 - e0) / 1000),
          accepted: ids.length,
          notSucceeded: done.not_succeeded,
          sync10PerSecond: lat.length / ((Date.now() - s0) / 1000),
          p50: percentile(lat, 50),
          p99: percentile(lat, 99),
        };
      } finally {
        await new Promise((r) => receiver.close(r));
      }
    }

    console.log('\nresults');
    console.log(
      `  async  ${fmt(asyncResult.completedPerSecond, 'runs/s')} completed (${asyncResult.accepted} accepted, ${asyncResult.notSucceeded} not succeeded), trigger → succeeded p50 ${fmt(asyncResult.p50)}, p99 ${fmt(asyncResult.p99)}`,
    );
    console.log(
      `  events unpublished when the async phase ended: ${asyncResult.backlogAtEnd} (the relay caught up in ${asyncResult.relayCatchUpMs} ms)`,
    );
    console.log(`  sync   50 clients: ${fmt(sync50.perSecond, 'runs/s')} (p50 ${fmt(sync50.p50)}, p99 ${fmt(sync50.p99)})`);
    console.log(`  sync   10 clients: ${fmt(sync10.perSecond, 'runs/s')}, p50 ${fmt(sync10.p50)}, p99 ${fmt(sync10.p99)}`);
    console.log(`  sync    1 client:  ${fmt(sync1.perSecond, 'runs/s')}, p50 ${fmt(sync1.p50)}, p99 ${fmt(sync1.p99)}`);
    console.log(`  RSS    ${SERVICES.map((s) => `${s} ${(rss[s].rss / 2 ** 20).toFixed(0)} MB`).join(', ')}`);
    console.log(
      `  per run (async phase): ${asyncResult.transactionsPerRun.toFixed(2)} database transactions, ${asyncResult.rowsWrittenPerRun.toFixed(1)} rows written (all services) and ${asyncResult.runRowsReadPerRun.toFixed(1)} rows of executions.executions read, CPU ${SERVICES.map((s) => `${s} ${asyncResult.cpuMsPerRun[s].toFixed(2)} ms`).join(', ')}`,
    );
    console.log(
      `  per run (async phase): CPU of this database's PostgreSQL backends ${asyncResult.postgresMsPerRun.toFixed(2)} ms, of this stack's nats-server ${asyncResult.natsMsPerRun.toFixed(2)} ms`,
    );
    console.log(
      `  machine CPU busy during the async phase: ${(asyncResult.machineBusy * 100).toFixed(0)} % of ${os.cpus().length} cores (PostgreSQL, NATS and this client included)`,
    );
    if (effectful) {
      console.log(
        `  effectful (http step, then transform): async ${fmt(effectful.asyncPerSecond, 'runs/s')} completed (${effectful.accepted} accepted, ${effectful.notSucceeded} not succeeded); sync 10 clients ${fmt(effectful.sync10PerSecond, 'runs/s')}, p50 ${fmt(effectful.p50)}, p99 ${fmt(effectful.p99)}`,
      );
    }
    if (failures.count) console.log(`  failed requests: ${failures.count} (last: ${failures.last})`);
  } finally {
    await pool.close().catch(() => undefined);
    await pg.end().catch(() => undefined);
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
