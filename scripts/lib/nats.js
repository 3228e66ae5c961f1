'use strict';
const { spawn } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { probeTcp, waitFor, isLocalHost } = require('./net');
const { stopChild, which } = require('./processes');
const { StartError } = require('./start-error');

const HOW_TO_GET_NATS =
  'Install nats-server (`sudo apt-get install nats-server`, or see https://docs.nats.io/running-a-nats-service/introduction/installation) or run `docker run -d --name agentry-nats -p 4222:4222 nats:2.10 -js`, then run npm start again.';

/**
 * Uses the NATS server at the first URL of `url` when something answers there; otherwise, for a local
 * address, spawns `nats-server -js` (JetStream data in `<stateDir>/nats`) when it is on PATH.
 */
async function ensureNats({ url, stateDir, log }) {
  const first = new URL(url.split(',')[0].trim());
  const host = first.hostname.replace(/^\[|\]$/g, '');
  const port = Number(first.port || 4222);
  if (await probeTcp(host, port)) return { url, spawned: false, stop: async () => {} };
  if (!isLocalHost(host)) throw new StartError(`Nothing answers at ${host}:${port} (NATS_URL). ${HOW_TO_GET_NATS}`);
  const bin = which('nats-server');
  if (!bin) throw new StartError(`No NATS answers at ${host}:${port} and nats-server is not on PATH. ${HOW_TO_GET_NATS}`);

  const storeDir = join(stateDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  log(`No NATS answers at ${host}:${port}; starting ${bin} -js on 127.0.0.1:${port}, JetStream data in ${storeDir}`);
  // Own process group: a Ctrl-C in the terminal reaches the services first; we stop NATS after them.
  const child = spawn(bin, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const keep = (d) => output.push(...String(d).split('\n').filter(Boolean));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let spawnError = null;
  child.on('error', (err) => (spawnError = err));
  const up = await waitFor(async () => child.exitCode === null && !spawnError && (await probeTcp('127.0.0.1', port, 300)), {
    timeoutMs: 15_000,
  });
  if (!up) {
    await stopChild(child, { graceMs: 3_000 });
    const why = spawnError
      ? spawnError.message
      : child.exitCode !== null
        ? `it exited (code ${child.exitCode})`
        : 'it did not answer within 15 s';
    throw new StartError(`Could not start nats-server (${why}). ${HOW_TO_GET_NATS}`, output.slice(-15));
  }
  const localUrl = `nats://127.0.0.1:${port}`;
  return { url: localUrl, spawned: true, stop: () => stopChild(child, { graceMs: 10_000 }) };
}

module.exports = { ensureNats, HOW_TO_GET_NATS };
