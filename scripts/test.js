#!/usr/bin/env node
'use strict';
/**
 * `npm test`: install from the lockfile if needed, build, check that PostgreSQL and nats-server are
 * there, then run jest (unit + integration projects). Extra arguments go to jest: `npm test -- agents`,
 * `npm test -- --selectProjects unit`. The exit code is jest's.
 *
 * Env: TEST_DATABASE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), TEST_LOG_LEVEL
 * (services' LOG_LEVEL, default warn), TEST_STACK_SERVICES (services of the shared stack).
 */
const { spawn } = require('node:child_process');
const { accessSync, constants, existsSync, readFileSync, rmSync, statSync } = require('node:fs');
const { delimiter, join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const say = (text) => process.stderr.write(`[test] ${text}\n`);

class TestSetupError extends Error {}

let current; // the child running now, to pass SIGTERM on

function run(command, args, env = {}) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    current = child;
    child.on('error', (err) => {
      say(`${command}: ${err.message}`);
      done(127);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

/** npm writes node_modules/.package-lock.json on every install: older than the lockfile means stale. */
function needsInstall() {
  const hidden = join(ROOT, 'node_modules', '.package-lock.json');
  if (!existsSync(hidden)) return true;
  return statSync(join(ROOT, 'package-lock.json')).mtimeMs > statSync(hidden).mtimeMs;
}

/** Only `--selectProjects unit` runs no service, so it needs neither PostgreSQL nor NATS. */
function needsServices(args) {
  const i = args.indexOf('--selectProjects');
  if (i === -1) return true;
  const projects = [];
  for (let j = i + 1; j < args.length && !args[j].startsWith('-'); j++) projects.push(args[j]);
  return projects.length === 0 || projects.includes('integration');
}

async function checkPostgres() {
  const { Client } = require('pg'); // after the install step
  const url = process.env.TEST_DATABASE_ADMIN_URL || DEFAULT_ADMIN_URL;
  const where = new URL(url).host;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new TestSetupError(
      `PostgreSQL does not answer at ${where} (${err.message}): start one there (Debian/Ubuntu: \`apt-get install postgresql\`, then \`pg_ctlcluster <version> main start\`; or \`docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16\`), or set TEST_DATABASE_ADMIN_URL to a server where this role may create databases.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

function checkNatsServer() {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, 'nats-server'), constants.X_OK);
      return;
    } catch {
      // not here
    }
  }
  throw new TestSetupError(
    'nats-server is not on PATH: install it (Debian/Ubuntu: `apt-get install nats-server`; otherwise a release from https://github.com/nats-io/nats-server/releases) — the integration tests start their own.',
  );
}

async function main() {
  const args = process.argv.slice(2);
  if (needsInstall()) {
    say('Installing dependencies from package-lock.json (npm ci)…');
    if ((await run('npm', ['ci'])) !== 0) throw new TestSetupError('npm ci failed (see above).');
  }
  say('Building (turbo run build)…');
  if ((await run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { TURBO_TELEMETRY_DISABLED: '1' })) !== 0) {
    throw new TestSetupError('The build failed (see the errors above).');
  }
  if (needsServices(args)) {
    await checkPostgres();
    checkNatsServer();
  }
  const results = join(require('node:os').tmpdir(), `agentry-jest-results-${process.pid}.json`);
  rmSync(results, { force: true });
  const code = await run(process.execPath, [
    join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--json',
    `--outputFile=${results}`,
    ...args,
  ]);
  printSummary(results);
  rmSync(results, { force: true });
  return code;
}

/** A plain closing line, `tests: N passed, N failed[, N skipped]`, that any CI can read. */
function printSummary(file) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    const skipped = r.numPendingTests + r.numTodoTests;
    process.stdout.write(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  } catch {
    // jest did not get as far as writing results; its own output says why
  }
}

// Ctrl-C reaches the child too (same process group); SIGTERM is passed on. Either way we wait for the
// child to clean up (jest's globalTeardown stops the shared stack) and exit with its code.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => current?.kill('SIGTERM'));

main().then(
  (code) => process.exit(code),
  (err) => {
    say(err instanceof TestSetupError ? err.message : (err && err.stack) || String(err));
    process.exit(1);
  },
);
