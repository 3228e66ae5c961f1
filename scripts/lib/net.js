'use strict';
const net = require('node:net');

/** Resolves true when something accepts a TCP connection at host:port within timeoutMs. */
function probeTcp(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Resolves true when this process could listen on host:port right now. */
function canListen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first port from `start` (up to `start + span`) that nothing listens on and we can bind. */
async function findFreePort(start, host = '127.0.0.1', span = 100) {
  for (let port = start; port < start + span && port <= 65535; port++) {
    if (!(await probeTcp(host, port, 300)) && (await canListen(port, host))) return port;
  }
  throw new Error(`no free port between ${start} and ${start + span - 1}`);
}

/** Polls `check` (async, returns truthy when done) every intervalMs until it succeeds or timeoutMs passes. */
async function waitFor(check, { timeoutMs = 30_000, intervalMs = 250, signal } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (signal?.aborted) return false;
    try {
      if (await check()) return true;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return false;
}

/** Status code of a GET to url, or 0 when nothing answers. */
async function httpStatus(url, timeoutMs = 2000) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);
const isLocalHost = (host) => LOCAL_HOSTS.has(host);

module.exports = { probeTcp, canListen, findFreePort, waitFor, httpStatus, isLocalHost };
