import { fork } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { isRunning, OutputTail, terminate, track } from './processes';
import { repoRoot } from './repo';
import { serviceMain, StackInfo } from './stack';

export interface ServiceReplica {
  service: string;
  pid: number;
  /** `http://127.0.0.1:<port>` (health, metrics). */
  url: string;
  /** Graceful stop (SIGTERM, SIGKILL after the grace period). */
  stop(): Promise<void>;
  /** Sends a signal (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  logTail(): string;
}

/**
 * One more process of a service against a running stack's database and NATS (a second executions
 * replica, say), with the same defaults as the stack's own processes plus `env`. Its output is appended
 * to the stack's log file. Stop it before the stack.
 */
export async function startReplica(
  stack: StackInfo,
  service: string,
  env: Record<string, string> = {},
  readyTimeoutMs = 60_000,
): Promise<ServiceReplica> {
  const tail = new OutputTail(120);
  const child = fork(serviceMain(service), [], {
    cwd: repoRoot(),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: stack.databaseUrl,
      NATS_URL: stack.natsUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'warn',
      AGENTRY_BOOTSTRAP_API_KEY: stack.adminKey,
      DATABASE_POOL_SIZE: '3',
      SHUTDOWN_GRACE_MS: '3000',
      ...env,
    },
    execArgv: ['--enable-source-maps'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  track(child);
  const prefix = `[${service}-replica:${child.pid}] `;
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      tail.push(chunk);
      try {
        appendFileSync(
          stack.logFile,
          chunk
            .split('\n')
            .filter(Boolean)
            .map((l) => prefix + l)
            .join('\n') + '\n',
        );
      } catch {
        // the stack's log is gone: keep the tail only
      }
    });
  }
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not send 'ready' within ${readyTimeoutMs} ms`), readyTimeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      void terminate(child, 'SIGKILL').then(() => reject(new Error(`Replica of '${service}' ${why}. Last output:\n${tail.text()}`)));
    };
    child.on('message', (msg: { type?: string; port?: number }) => {
      if (msg?.type === 'ready' && typeof msg.port === 'number') {
        clearTimeout(timer);
        resolve(msg.port);
      }
    });
    child.once('exit', (code, signal) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
  });
  return {
    service,
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    stop: () => terminate(child, 'SIGTERM', 5_000),
    async kill(signal = 'SIGKILL') {
      if (!isRunning(child)) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      await exited;
    },
    logTail: () => tail.text(),
  };
}
