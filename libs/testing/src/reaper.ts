import { ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { repoRoot } from './repo';

/**
 * Cleans up after a test process that dies without stopping what it started (a jest worker killed on
 * timeout, Ctrl-C, a crash): a detached watchdog reads what to clean from a pipe, and when the pipe closes
 * with entries left (the test process is gone), it SIGKILLs those processes, removes those directories and
 * drops those databases. It lives only while something is registered.
 */
const SCRIPT = `
const { rmSync } = require('node:fs');
const [root] = process.argv.slice(1);
const live = new Map();
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  for (let i = buffer.indexOf('\\n'); i >= 0; i = buffer.indexOf('\\n')) {
    const line = buffer.slice(0, i);
    buffer = buffer.slice(i + 1);
    try {
      const m = JSON.parse(line);
      if (m.op === 'add') live.set(m.id, m.item); else live.delete(m.id);
    } catch {}
  }
});
process.stdin.on('close', async () => {
  const items = [...live.values()];
  for (const it of items) if (it.kind === 'pid') { try { process.kill(it.pid, 'SIGKILL'); } catch {} }
  for (const it of items) if (it.kind === 'dir') rmSync(it.path, { recursive: true, force: true });
  for (const it of items) if (it.kind === 'db') {
    try {
      const { Client } = require(require.resolve('pg', { paths: [root] }));
      const c = new Client({ connectionString: it.adminUrl });
      await c.connect();
      await c.query('DROP DATABASE IF EXISTS "' + it.name + '" WITH (FORCE)');
      await c.end();
    } catch {}
  }
  process.exit(0);
});
`;

export type Guarded = { kind: 'pid'; pid: number } | { kind: 'dir'; path: string } | { kind: 'db'; name: string; adminUrl: string };

let reaper: ChildProcess | undefined;
let live = 0;
let nextId = 0;

function send(message: object): void {
  reaper?.stdin?.write(`${JSON.stringify(message)}\n`);
}

/** Registers something to clean up if this process dies; the returned function unregisters it. */
export function guard(item: Guarded): () => void {
  if (!reaper) {
    reaper = spawn(process.execPath, ['-e', SCRIPT, repoRoot()], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    reaper.on('error', () => undefined);
    reaper.stdin!.on('error', () => undefined);
    // Neither the watchdog nor its pipe may keep the test process alive.
    reaper.unref();
    (reaper.stdin as Socket).unref();
  }
  const id = ++nextId;
  live++;
  send({ op: 'add', id, item });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    send({ op: 'del', id });
    if (--live === 0 && reaper) {
      reaper.stdin!.end();
      reaper = undefined;
    }
  };
}
