import type { ChildProcess } from 'node:child_process';
import { guard } from './reaper';

/** A child that must not outlive the test process (a crash, a killed worker, a forgotten stop()). */
export function track(child: ChildProcess): void {
  if (child.pid === undefined) return; // spawn failed; its 'error'/'exit' says so
  const release = guard({ kind: 'pid', pid: child.pid });
  child.once('exit', release);
}

export function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return !!child && child.exitCode === null && child.signalCode === null;
}

/** Sends `signal`, then SIGKILL after graceMs; resolves once the process has exited. */
export function terminate(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** The last lines a process wrote, for error messages. */
export class OutputTail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly max = 80) {}

  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }

  text(): string {
    return [...this.lines, this.partial].filter((l) => l.length > 0).join('\n');
  }
}
