#!/usr/bin/env node
// Scheduler benchmark: `npm run bench:schedules`.
// Starts a private stack (agents + schedules, its own database and nats-server), creates N schedules
// through the schedules service's NATS API (default 10,000, every 5 s, overlap `allow`), and answers
// `executions.start` in this process the way the executions service does (one run per idempotency key),
// so what is measured is the scheduler: claim, fire, outbox, run start, record. Every sample period it
// prints fires/s, the lag from due time to run created (the start request arriving) p50/p99, and the
// schedules process's RSS; at the end the totals, missed and doubled fires.
// Knobs: BENCH_SCHEDULES (10000), BENCH_INTERVAL (5 s), BENCH_SECONDS (600), BENCH_SAMPLE_SECONDS (30),
// BENCH_SHAPE: `interval` (phases spread over the interval) or `cron` (`*/5 * * * * *`: all due together).
// BENCH_SCHEDULES_NODE_OPTIONS: NODE_OPTIONS for the schedules process (e.g. a --require'd profiler).
'use strict';
const { spawnSync } = require('node:child_process');
const os = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const SCHEDULES = Number(process.env.BENCH_SCHEDULES || 10_000);
const INTERVAL = Number(process.env.BENCH_INTERVAL || 5);
const SECONDS = Number(process.env.BENCH_SECONDS || 600);
const SAMPLE = Number(process.env.BENCH_SAMPLE_SECONDS || 30);
const SHAPE = process.env.BENCH_SHAPE || 'interval';
const WARMUP_S = 15;

function build() {
  const r = spawnSync(
    'npx',
    ['tsc', '-b', 'apps/schedules/tsconfig.build.json', 'apps/agents/tsconfig.build.json', 'libs/testing/tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const ms = (v) => (Number.isNaN(v) ? '-' : `${Math.round(v)} ms`);
const mb = (v) => `${(v / 1048576).toFixed(0)} MB`;

/** Answers executions.start like the executions service (Nest framing, one run per key) and records the lag. */
function fakeExecutions(nc, ulid) {
  const runs = new Map();
  const state = { calls: 0, window: [], all: [], measuring: false };
  const sub = nc.subscribe('executions.start', { queue: 'executions' });
  (async () => {
    for await (const msg of sub) {
      const now = Date.now();
      const req = msg.json();
      const { ctx, data } = req.data;
      const key = `${ctx.workspace_id}/${data.idempotency_key}`;
      let id = runs.get(key);
      const fresh = !id;
      if (!id) {
        id = `exe_${ulid()}`;
        runs.set(key, id);
      }
      state.calls++;
      if (fresh && state.measuring && data.metadata?.fire_trigger === 'schedule') {
        const lag = now - Date.parse(data.metadata.scheduled_for);
        state.window.push(lag);
        state.all.push(lag);
      }
      msg.respond(JSON.stringify({ id: req.id, response: { completed: false, execution: { id, status: 'queued' } }, isDisposed: true }));
    }
  })();
  return { state, runs, stop: () => sub.unsubscribe() };
}

/** Calls a service over NATS in the Nest framing. */
function rpc(nc) {
  let seq = 0;
  return async (subject, ws, data) => {
    const id = String(++seq);
    const body = { pattern: subject, data: { ctx: { workspace_id: ws, request_id: `req_bench_${id}`, actor: 'bench' }, data }, id };
    const reply = (await nc.request(subject, JSON.stringify(body), { timeout: 30_000 })).json();
    if (reply.err) throw new Error(`${subject}: ${JSON.stringify(reply.err)}`);
    return reply.response;
  };
}

/** Approximate quantile (upper bucket bound) of a Prometheus histogram in the service's /metrics. */
async function histogramQuantiles(url, name, qs) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const buckets = text
    .split('\n')
    .filter((l) => l.startsWith(`${name}_bucket{`))
    .map((l) => ({ le: Number(/le="([^"]+)"/.exec(l)[1].replace('+Inf', 'Infinity')), n: Number(l.split(' ').pop()) }));
  const total = buckets.at(-1)?.n ?? 0;
  return qs.map((q) => buckets.find((b) => b.n >= q * total)?.le ?? NaN);
}

async function rssOf(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('process_resident_memory_bytes'));
  return line ? Number(line.split(' ').pop()) : NaN;
}

async function createSchedules(call, ws, agentId) {
  const body =
    SHAPE === 'cron'
      ? { agent_id: agentId, cron: `*/${INTERVAL} * * * * *`, overlap_policy: 'allow', catchup: 'none', enabled: false }
      : { agent_id: agentId, interval_seconds: INTERVAL, overlap_policy: 'allow', catchup: 'none', enabled: false };
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < SCHEDULES) {
      next++;
      await call('schedules.create', ws, body);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  return (Date.now() - started) / 1000;
}

async function main() {
  if (!process.env.BENCH_SKIP_BUILD) build();
  const { startStack } = require(join(root, 'libs/testing/dist'));
  const { connect } = require('@nats-io/transport-node');
  const { Client } = require('pg');
  const { monotonicFactory } = require('ulid');

  process.stdout.write(`starting agents + schedules (${SCHEDULES} schedules, ${SHAPE} every ${INTERVAL} s, ${SECONDS} s measured)\n`);
  const stack = await startStack({
    services: ['agents', 'schedules'],
    label: 'bench_schedules',
    env: { LOG_LEVEL: 'warn' },
    perServiceEnv: {
      schedules: {
        DATABASE_POOL_SIZE: '10',
        ...(process.env.BENCH_SCHEDULES_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SCHEDULES_NODE_OPTIONS } : {}),
      },
    },
  });
  const nc = await connect({ servers: stack.natsUrl, name: 'bench-schedules' });
  const executions = fakeExecutions(nc, monotonicFactory());
  const db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    const call = rpc(nc);
    const ws = 'wks_BENCH00000000000000000000';
    const agent = await call('agents.create', ws, {
      name: 'Bench',
      definition: { steps: [{ id: 'echo', type: 'transform', with: { expression: 'input' } }] },
    });
    // Created paused, so creating 10,000 does not race the first fires; then enabled together, an
    // interval's phases spread evenly over the interval (a cron's are all the same second).
    const createSeconds = await createSchedules(call, ws, agent.id);
    process.stdout.write(`created ${SCHEDULES} schedules in ${createSeconds.toFixed(1)} s (${Math.round(SCHEDULES / createSeconds)}/s)\n`);
    if (SHAPE === 'cron') {
      await db.query(`UPDATE schedules.schedules SET enabled = true, paused_at = NULL`);
    } else {
      await db.query(
        `UPDATE schedules.schedules s SET enabled = true, paused_at = NULL,
                next_run_at = date_trunc('second', now()) + interval '2 s' + (r.n * interval '1 ms' * $1)
           FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM schedules.schedules) r WHERE r.id = s.id`,
        [(INTERVAL * 1000) / SCHEDULES],
      );
    }
    process.stdout.write(`warming up ${WARMUP_S} s\n`);
    await new Promise((r) => setTimeout(r, WARMUP_S * 1000));

    const url = stack.serviceUrl('schedules');
    const [{ n: firesBefore }] = (await db.query(`SELECT count(*)::int AS n FROM schedules.schedule_runs`)).rows;
    const loadBefore = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    executions.state.measuring = true;
    const rss = [];
    const started = Date.now();
    process.stdout.write(
      `\n${'t (s)'.padStart(6)} ${'fires/s'.padStart(9)} ${'lag p50'.padStart(9)} ${'lag p99'.padStart(9)} ${'lag max'.padStart(9)} ${'RSS'.padStart(8)}\n`,
    );
    let last = started;
    while (Date.now() - started < SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, Math.min(SAMPLE * 1000, SECONDS * 1000 - (Date.now() - started))));
      const now = Date.now();
      const window = executions.state.window.splice(0).sort((a, b) => a - b);
      const r = await rssOf(url);
      rss.push(r);
      process.stdout.write(
        `${String(Math.round((now - started) / 1000)).padStart(6)} ${String(Math.round(window.length / ((now - last) / 1000))).padStart(9)} ${ms(percentile(window, 50)).padStart(9)} ${ms(percentile(window, 99)).padStart(9)} ${ms(window.at(-1) ?? NaN).padStart(9)} ${mb(r).padStart(8)}\n`,
      );
      last = now;
    }
    executions.state.measuring = false;
    const elapsed = (Date.now() - started) / 1000;
    const all = executions.state.all.sort((a, b) => a - b);
    const [{ n: firesAfter }] = (await db.query(`SELECT count(*)::int AS n FROM schedules.schedule_runs`)).rows;
    const [{ n: doubled }] = (
      await db.query(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM schedules.schedule_runs GROUP BY schedule_id, due_at HAVING count(*) > 1) d`,
      )
    ).rows;
    const [{ n: skippedGaps }] = (
      await db.query(
        `SELECT count(*)::int AS n FROM (SELECT due_at - lag(due_at) OVER (PARTITION BY schedule_id ORDER BY due_at) AS step FROM schedules.schedule_runs) s
          WHERE step IS NOT NULL AND step <> $1::int * interval '1 s'`,
        [INTERVAL],
      )
    ).rows;
    const expected = (SCHEDULES * elapsed) / INTERVAL;
    const claim = await histogramQuantiles(url, 'agentry_schedules_claim_seconds', [0.5, 0.99]);
    process.stdout.write(
      [
        '',
        `schedules            ${SCHEDULES} (${SHAPE}, every ${INTERVAL} s)`,
        `measured             ${elapsed.toFixed(0)} s`,
        `fires/s sustained    ${Math.round((firesAfter - firesBefore) / elapsed)} (due: ${Math.round(expected / elapsed)}/s)`,
        `runs started         ${all.length} in the window`,
        `lag due→run p50      ${ms(percentile(all, 50))}`,
        `lag due→run p95      ${ms(percentile(all, 95))}`,
        `lag due→run p99      ${ms(percentile(all, 99))}`,
        `lag due→run max      ${ms(all.at(-1) ?? NaN)}`,
        `RSS first/last/max   ${mb(rss[0])} / ${mb(rss.at(-1))} / ${mb(Math.max(...rss))}`,
        `claim tx p50/p99     ≤${claim.map((v) => `${v * 1000} ms`).join(' / ≤')} (histogram buckets)`,
        `machine              ${os.cpus().length} cores, load average ${loadBefore} → ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
        `doubled due times    ${doubled}`,
        `gaps in due times    ${skippedGaps}`,
        `start requests       ${executions.state.calls} for ${executions.runs.size} runs`,
        '',
      ].join('\n'),
    );
  } finally {
    executions.stop();
    await db.end().catch(() => undefined);
    await nc.drain().catch(() => undefined);
    await stack.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
