import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from './database';
// The contracts' DTO classes need it; scripts and the benchmark load the harness without Nest.
import 'reflect-metadata';
import { connectNats, natsIdentity, provisionJetStream } from '@agentry/common';
import { NATS_PERMISSIONS, natsPasswordVariable } from '@agentry/contracts';
import { startNats, TestNats } from './nats-server';
import { isRunning, OutputTail, terminate, track } from './processes';
import { repoRoot, testLogDir } from './repo';

export const ALL_SERVICES = ['gateway', 'agents', 'executions', 'schedules', 'connections', 'webhooks'] as const;
export type ServiceName = (typeof ALL_SERVICES)[number];

export interface StartStackOptions {
  /** Which services to fork; default all six. `app#2` adds a second replica of `app`. */
  services?: readonly string[];
  /** Extra env for every service (wins over the harness defaults). */
  env?: Record<string, string>;
  /** Extra env for one service (wins over `env`). */
  perServiceEnv?: Record<string, Record<string, string>>;
  /** How long each service may take to send `ready`; default 60 s (six services share two cores). */
  readyTimeoutMs?: number;
  /** Names the database and the log file. */
  label?: string;
  /**
   * Runs NATS with deploy/nats/auth.conf: each service signs in as its own user (NATS_USER, NATS_PASSWORD) with
   * new random passwords, which `natsPasswords` of the stack holds (the `subscriber` user's too).
   */
  natsAuth?: boolean;
}

/** What a test file needs to talk to a stack; also what the shared stack's JSON file holds. */
export interface StackInfo {
  /** `http://127.0.0.1:<port>`; empty when the stack has no gateway. */
  gatewayUrl: string;
  /** The instance admin key (AGENTRY_BOOTSTRAP_API_KEY). */
  adminKey: string;
  databaseUrl: string;
  natsUrl: string;
  /** HTTP port of each service (/health, /metrics; the gateway's public API). */
  ports: Record<string, number>;
  services: string[];
  /** Where the services' output goes. */
  logFile: string;
}

export interface TestStack extends StackInfo {
  nats: TestNats;
  /** With `natsAuth`: each NATS user's password (the services' and `subscriber`'s). */
  natsPasswords?: Record<string, string>;
  database: TestDatabase;
  /** `http://127.0.0.1:<port>` of one service. */
  serviceUrl(name: string): string;
  /** Kills every service, drops the database, stops nats-server and removes its store. Safe to call twice. */
  stop(): Promise<void>;
  /** Graceful stop (SIGTERM, SIGKILL after the grace period). */
  stopService(name: string): Promise<void>;
  /**
   * Starts a stopped service again (same env, same port when it is still free) and waits for ready. `env` is
   * added to the service's env from then on (a new key at a restart, say).
   */
  startService(name: string, env?: Record<string, string>): Promise<void>;
  /** Sends a signal (default SIGKILL) and waits for the exit; SIGSTOP/SIGCONT return at once. */
  killService(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** The last lines a service wrote (all services when no name). */
  logTail(name?: string): string;
  /** The plain, JSON-safe part. */
  info(): StackInfo;
}

const HOST = '127.0.0.1';
const LOGS_KEPT = 30;

/**
 * A stack entry is an app name, or `app#N` for another replica of the same app (e.g. `executions#2`):
 * same code and env, its own process and port, sharing the database and NATS.
 */
export function appOf(name: string): string {
  return name.split('#')[0];
}

export function serviceMain(name: string): string {
  return join(repoRoot(), 'apps', appOf(name), 'dist', 'main.js');
}

/** The NATS users and permissions a deployment runs with (rendered from libs/contracts). */
export const NATS_AUTH_CONF = join(repoRoot(), 'deploy', 'nats', 'auth.conf');

async function provisionAs(url: string, password: string): Promise<void> {
  const handles = await connectNats(url, 'test-nats-provision', natsIdentity({ NATS_USER: 'provisioner', NATS_PASSWORD: password }));
  try {
    await provisionJetStream(handles);
  } finally {
    await handles.nc.close();
  }
}

/** A letter first: nats-server parses a variable's value as config, and one that starts with a digit as a number. */
function newNatsPasswords(): Record<string, string> {
  return Object.fromEntries(Object.keys(NATS_PERMISSIONS).map((user) => [user, `p${randomBytes(16).toString('hex')}`]));
}

function natsPasswordEnv(passwords: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(passwords).map(([user, password]) => [natsPasswordVariable(user), password]));
}

export function generateAdminKey(): string {
  return `agk_test_${randomBytes(24).toString('base64url')}`;
}

/** Defaults every harness service gets; `env`/`perServiceEnv` override them. */
function baseEnv(stack: { databaseUrl: string; natsUrl: string; adminKey: string }): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: stack.databaseUrl,
    NATS_URL: stack.natsUrl,
    PORT: '0',
    HOST,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'warn',
    AGENTRY_BOOTSTRAP_API_KEY: stack.adminKey,
    // Up to three stacks run at once against one PostgreSQL (max_connections 100 by default).
    DATABASE_POOL_SIZE: '3',
    SHUTDOWN_GRACE_MS: '3000',
  };
}

class ServiceProcess {
  child: ChildProcess | undefined;
  port: number | undefined;
  readonly tail = new OutputTail(120);
  private expectedExit = false;

  constructor(
    readonly name: string,
    private env: Record<string, string>,
    private readonly log: WriteStream,
    private readonly readyTimeoutMs: number,
  ) {}

  async start(env: Record<string, string> = {}): Promise<void> {
    if (isRunning(this.child)) throw new Error(`Service '${this.name}' is already running (pid ${this.child.pid})`);
    this.env = { ...this.env, ...env };
    // A restart keeps the port, so URLs held by a test stay valid; if someone took it, take any.
    try {
      this.port = await this.spawn(this.port ?? 0);
    } catch (err) {
      if (this.port === undefined || !/EADDRINUSE/.test((err as Error).message)) throw err;
      this.port = await this.spawn(0);
    }
  }

  private spawn(port: number): Promise<number> {
    this.expectedExit = false;
    const child = fork(serviceMain(this.name), [], {
      cwd: repoRoot(),
      env: { ...process.env, ...this.env, PORT: String(port) },
      execArgv: ['--enable-source-maps'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    track(child);
    this.child = child;
    this.pipe(child);
    return new Promise<number>((resolve, reject) => {
      const fail = (why: string) => {
        cleanup();
        const err = new Error(`Service '${this.name}' ${why}. Last output:\n${this.tail.text() || '(none)'}\nFull log: ${this.log.path}`);
        void terminate(child, 'SIGKILL').then(() => reject(err));
      };
      const timer = setTimeout(() => fail(`did not send 'ready' within ${this.readyTimeoutMs} ms`), this.readyTimeoutMs);
      const onMessage = (msg: unknown) => {
        const m = msg as { type?: string; port?: number };
        if (m?.type !== 'ready' || typeof m.port !== 'number') return;
        cleanup();
        child.on('exit', (code, signal) => this.onExit(code, signal));
        resolve(m.port);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        fail(`exited before it was ready (code ${code}, signal ${signal})`);
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }

  private pipe(child: ChildProcess): void {
    const prefix = `[${this.name}:${child.pid}] `;
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream!.setEncoding('utf8');
      stream!.on('data', (chunk: string) => {
        this.tail.push(chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        if (lines.length && this.log.writable) this.log.write(lines.map((l) => prefix + l).join('\n') + '\n');
      });
      stream!.on('end', () => {
        if (partial && this.log.writable) this.log.write(prefix + partial + '\n');
      });
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.expectedExit) return;
    // A crash nobody asked for: say so where the test output shows it.
    process.stderr.write(
      `[agentry-testing] service '${this.name}' exited unexpectedly (code ${code}, signal ${signal}). Last output:\n${this.tail.text()}\nFull log: ${this.log.path}\n`,
    );
  }

  async stop(graceMs = 5_000): Promise<void> {
    this.expectedExit = true;
    await terminate(this.child, 'SIGTERM', graceMs);
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!isRunning(child)) throw new Error(`Service '${this.name}' is not running`);
    if (signal === 'SIGSTOP' || signal === 'SIGCONT' || signal === 'SIGTSTP') {
      child.kill(signal);
      return;
    }
    this.expectedExit = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}

function openLog(label: string): WriteStream {
  const dir = testLogDir();
  mkdirSync(dir, { recursive: true });
  pruneLogs(dir);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return createWriteStream(join(dir, `${stamp}-${label}-${process.pid}-${randomBytes(2).toString('hex')}.log`), { flags: 'a' });
}

function pruneLogs(dir: string): void {
  try {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of files.slice(LOGS_KEPT)) rmSync(join(dir, f), { force: true });
  } catch {
    // another run pruned them first
  }
}

function checkBuilt(services: readonly string[]): void {
  for (const name of services) {
    const app = appOf(name);
    if (!existsSync(join(repoRoot(), 'apps', app))) {
      throw new Error(`Unknown service '${name}': there is no apps/${app} (services: ${ALL_SERVICES.join(', ')})`);
    }
    if (!existsSync(serviceMain(name))) {
      throw new Error(`Service '${name}' is not built: apps/${app}/dist/main.js does not exist (run \`npx turbo run build\`)`);
    }
  }
}

/**
 * Starts a private Agentry stack against real PostgreSQL and NATS: a new database, a new nats-server,
 * and each service forked from its compiled `apps/<name>/dist/main.js` with PORT=0.
 */
export async function startStack(options: StartStackOptions = {}): Promise<TestStack> {
  const services = [...(options.services ?? ALL_SERVICES)];
  const label = (options.label ?? 'stack').replace(/[^a-z0-9_-]/gi, '_');
  checkBuilt(services);

  const natsPasswords = options.natsAuth ? newNatsPasswords() : undefined;
  const [db, nats] = await Promise.allSettled([
    createTestDatabase(`agentry_${label}`),
    startNats(natsPasswords ? { config: NATS_AUTH_CONF, env: natsPasswordEnv(natsPasswords) } : {}),
  ]);
  if (db.status === 'rejected' || nats.status === 'rejected') {
    if (db.status === 'fulfilled') await db.value.drop().catch(() => undefined);
    if (nats.status === 'fulfilled') await nats.value.stop().catch(() => undefined);
    throw db.status === 'rejected' ? db.reason : (nats as PromiseRejectedResult).reason;
  }
  const database = db.value;
  const natsServer = nats.value;
  if (natsPasswords) {
    // as a deployment does before its services start: they may not create their stream, consumers or bucket
    await provisionAs(natsServer.url, natsPasswords.provisioner).catch(async (err) => {
      await Promise.allSettled([database.drop(), natsServer.stop()]);
      throw err;
    });
  }
  const adminKey = generateAdminKey();
  const log = openLog(label);
  const common = { ...baseEnv({ databaseUrl: database.url, natsUrl: natsServer.url, adminKey }), ...options.env };
  const procs = new Map<string, ServiceProcess>(
    services.map((name) => [
      name,
      new ServiceProcess(
        name,
        {
          ...common,
          ...(natsPasswords ? { NATS_USER: appOf(name), NATS_PASSWORD: natsPasswords[appOf(name)] } : {}),
          ...options.perServiceEnv?.[appOf(name)],
          ...options.perServiceEnv?.[name],
        },
        log,
        options.readyTimeoutMs ?? 60_000,
      ),
    ]),
  );
  const proc = (name: string) => {
    const p = procs.get(name);
    if (!p) throw new Error(`Service '${name}' is not part of this stack (it has: ${services.join(', ')})`);
    return p;
  };
  const ports = (): Record<string, number> =>
    Object.fromEntries([...procs].filter(([, p]) => p.port !== undefined).map(([n, p]) => [n, p.port!]));
  const url = (name: string) => {
    const port = proc(name).port;
    if (port === undefined) throw new Error(`Service '${name}' has not started yet`);
    return `http://${HOST}:${port}`;
  };

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all([...procs.values()].map((p) => p.stop()));
      await Promise.allSettled([database.drop(), natsServer.stop()]);
      await new Promise<void>((resolve) => log.end(resolve));
    })());

  const started = await Promise.allSettled([...procs.values()].map((p) => p.start()));
  const failures = started.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length) {
    await stop();
    throw new Error(failures.map((f) => (f.reason as Error).message).join('\n\n'));
  }

  const info = (): StackInfo => ({
    gatewayUrl: procs.has('gateway') ? url('gateway') : '',
    adminKey,
    databaseUrl: database.url,
    natsUrl: natsServer.url,
    ports: ports(),
    services,
    logFile: String(log.path),
  });

  return {
    get gatewayUrl() {
      return info().gatewayUrl;
    },
    get ports() {
      return ports();
    },
    adminKey,
    databaseUrl: database.url,
    natsUrl: natsServer.url,
    services,
    logFile: String(log.path),
    nats: natsServer,
    natsPasswords,
    database,
    serviceUrl: url,
    stop,
    stopService: (name) => proc(name).stop(),
    startService: (name, env) => proc(name).start(env),
    killService: (name, signal = 'SIGKILL') => proc(name).kill(signal),
    logTail: (name) => (name ? proc(name).tail.text() : [...procs.values()].map((p) => `--- ${p.name}\n${p.tail.text()}`).join('\n')),
    info,
  };
}
