import { ExecutionRecord, StepRecord } from './run-record';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line a person reads in lists and notifications: what the run did, or where it stopped. */
export function summarize(exe: ExecutionRecord, steps: Iterable<StepRecord>, stepId?: string, reason?: 'delay' | 'approval'): string {
  const all = [...steps];
  const count = (status: string) => all.filter((s) => s.status === status).length;
  switch (exe.status) {
    case 'waiting':
      return reason === 'approval' ? `Waiting for an approval at step ${stepId}` : `Waiting (delay) at step ${stepId}`;
    case 'succeeded': {
      const parts = [`${plural(count('succeeded'), 'step')} succeeded`];
      if (count('failed')) parts.push(`${count('failed')} failed and continued`);
      if (count('skipped')) parts.push(`${count('skipped')} skipped`);
      return `${parts.join(', ')} in ${exe.duration_ms ?? 0} ms`;
    }
    case 'failed':
    case 'timed_out': {
      const what = exe.status === 'timed_out' ? 'timed out' : 'failed';
      const msg = (exe.error?.message ?? 'unknown error').slice(0, 300);
      return exe.error?.step_id ? `Step ${exe.error.step_id} ${what}: ${msg}` : `Run ${what}: ${msg}`;
    }
    case 'cancelled': {
      const at = all.find((s) => s.status === 'cancelled');
      return at ? `Cancelled at step ${at.step_id}` : `Cancelled after ${plural(count('succeeded'), 'step')}`;
    }
    default:
      return `Running (${plural(count('succeeded'), 'step')} done)`;
  }
}
