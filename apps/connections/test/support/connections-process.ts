import { serviceMain } from '@agentry/testing';
import { ChildProcess, fork } from 'node:child_process';

/**
 * A connections service forked with an environment of the test's choosing (another master key, no
 * private networks), against an existing stack's PostgreSQL and NATS: the stack's own processes keep
 * the env they started with.
 */
export class ConnectionsProcess {
  output = '';
  private child?: ChildProcess;

  constructor(private readonly env: Record<string, string>) {}

  /** Resolves once the service is ready; rejects with its output if it exits first. */
  start(timeoutMs = 30_000): Promise<void> {
    const child = fork(serviceMain('connections'), [], {
      env: { ...process.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', DATABASE_POOL_SIZE: '3', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    for (const s of [child.stdout!, child.stderr!]) s.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`connections not ready in ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      child.on('message', (m: { type?: string }) => {
        if (m?.type !== 'ready') return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(Object.assign(new Error(`connections exited with code ${code}:\n${this.output}`), { exitCode: code }));
      });
    });
  }

  stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
