'use strict';
const { delimiter, join } = require('node:path');
const { accessSync, constants } = require('node:fs');

const isRunning = (child) => child.exitCode === null && child.signalCode === null;

/** Resolves once the child has exited (at once if it already has). */
function exited(child) {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Sends `signal` (default SIGTERM; null when the caller already asked the child to stop), then SIGKILL when
 * the child is still there after graceMs. `group`: the SIGKILL hits the child's whole process group
 * (children spawned with `detached: true`, which may have children of their own).
 */
async function stopChild(child, { graceMs = 10_000, group = false, signal = 'SIGTERM' } = {}) {
  if (!child || !isRunning(child)) return;
  const send = (sig, wholeGroup) => {
    try {
      if (wholeGroup && child.pid) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  if (signal) send(signal, false);
  const timer = setTimeout(() => send('SIGKILL', group), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** Absolute path of an executable found on PATH (plus the sbin folders some distributions keep servers in). */
function which(command) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}

module.exports = { isRunning, exited, stopChild, which };
