import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { canConnect, freePort, waitFor } from './net';
import { OutputTail, terminate, track } from './processes';
import { guard } from './reaper';

export interface TestNats {
  /** `nats://127.0.0.1:<port>`; stays the same across restart(). */
  url: string;
  port: number;
  /** The JetStream store directory, kept across restart(). */
  storeDir: string;
  /** Stops the server and removes its store. Safe to call twice. */
  stop(): Promise<void>;
  /** Stops the server, then starts it again on the same port with the same store ("NATS was down for a while"). */
  restart(options?: { downForMs?: number }): Promise<void>;
  /** Stops the server but keeps its store and port, for a later start(). */
  halt(): Promise<void>;
  /** Starts a halted server again. */
  start(): Promise<void>;
  /** What the server logged about refused operations ("Publish Violation", "Subscription Violation"), in order. */
  violations(): string[];
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;

export function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const NATS_SERVER_MISSING =
  'nats-server is not on PATH: install it (Debian/Ubuntu: `apt-get install nats-server`; otherwise a release from https://github.com/nats-io/nats-server/releases) to run the integration tests.';

export interface StartNatsOptions {
  /** A config file for `-c` (deploy/nats/auth.conf, say); the command line still sets the address, port and store. */
  config?: string;
  /** Extra environment for the server (the passwords that config reads). */
  env?: Record<string, string>;
}

/** Spawns a private `nats-server` with JetStream on a free port and waits until it accepts connections. */
export async function startNats(options: StartNatsOptions = {}): Promise<TestNats> {
  const binary = findOnPath('nats-server');
  if (!binary) throw new Error(NATS_SERVER_MISSING);
  const port = await freePort(HOST);
  const storeDir = mkdtempSync(join(tmpdir(), 'agentry-nats-'));
  const releaseDir = guard({ kind: 'dir', path: storeDir });
  const removeStore = () => {
    rmSync(storeDir, { recursive: true, force: true });
    releaseDir();
  };
  let child: ChildProcess | undefined;
  let stopped: Promise<void> | undefined;
  const violations: string[] = [];
  const partial = new Map<NodeJS.ReadableStream, string>();
  const watch = (stream: NodeJS.ReadableStream, chunk: string) => {
    // A chunk may end in the middle of a line: keep that part until its line is whole.
    const lines = ((partial.get(stream) ?? '') + chunk).split('\n');
    partial.set(stream, lines.pop()!);
    for (const line of lines) if (line.includes(' Violation')) violations.push(line);
  };

  const start = async () => {
    const tail = new OutputTail(40);
    const args = [...(options.config ? ['-c', options.config] : []), '-js', '-a', HOST, '-p', String(port), '-sd', storeDir];
    const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    track(proc);
    child = proc;
    for (const stream of [proc.stdout!, proc.stderr!]) {
      stream.setEncoding('utf8').on('data', (d: string) => {
        tail.push(d);
        watch(stream, d);
      });
    }
    let exited = false;
    proc.once('exit', () => (exited = true));
    const ok = await waitFor(async () => exited || (await canConnect(HOST, port, 500)), READY_TIMEOUT_MS);
    if (!ok || exited) {
      await terminate(proc, 'SIGKILL');
      const why = exited ? `exited (code ${proc.exitCode})` : `did not accept connections within ${READY_TIMEOUT_MS} ms`;
      throw new Error(`nats-server on ${HOST}:${port} ${why}:\n${tail.text()}`);
    }
  };

  const halt = () => terminate(child, 'SIGTERM', 5_000);

  await start().catch((err) => {
    removeStore();
    throw err;
  });

  return {
    url: `nats://${HOST}:${port}`,
    port,
    storeDir,
    halt,
    start,
    violations: () => [...violations],
    async restart(options) {
      await halt();
      if (options?.downForMs) await new Promise((r) => setTimeout(r, options.downForMs));
      await start();
    },
    stop() {
      stopped ??= halt().then(removeStore);
      return stopped;
    },
  };
}
