import { Injectable } from '@nestjs/common';
import { StepError, StepErrorCode } from './step-error';
import { StepOutcome, StepRunContext, StepRunner } from './step-runner';

const MAX_DELAY_MS = 30 * 86_400_000;

/**
 * `delay`: `{ ms } | { until }` → `{ waited_ms }`. Durable: the run is suspended with its wake time in
 * the database and no process holds a timer for it (a worker may set a short local timer as a shortcut).
 */
@Injectable()
export class DelayStep implements StepRunner {
  readonly type = 'delay' as const;

  async run(ctx: StepRunContext): Promise<StepOutcome> {
    const now = Date.now();
    const state = ctx.state as { until?: string; since?: string } | null;
    if (state?.until) {
      const until = Date.parse(state.until);
      if (now >= until) return { type: 'succeeded', output: { waited_ms: Math.max(0, now - Date.parse(state.since ?? state.until)) } };
      return { type: 'suspended', state, wakeAt: new Date(until), reason: 'delay' };
    }
    const until = this.wakeTime(ctx.with, now);
    if (until <= now) return { type: 'succeeded', output: { waited_ms: 0 } };
    return {
      type: 'suspended',
      state: { until: new Date(until).toISOString(), since: new Date(now).toISOString() },
      wakeAt: new Date(until),
      reason: 'delay',
    };
  }

  private wakeTime(w: Record<string, unknown>, now: number): number {
    if (w.until !== undefined && w.until !== null) {
      const at = typeof w.until === 'string' || typeof w.until === 'number' ? new Date(w.until).getTime() : NaN;
      if (Number.isNaN(at))
        throw new StepError(StepErrorCode.INVALID_STEP_INPUT, `delay: until must be an ISO 8601 time, got ${JSON.stringify(w.until)}`);
      if (at - now > MAX_DELAY_MS) throw new StepError(StepErrorCode.INVALID_STEP_INPUT, 'delay: until is more than 30 days away');
      return at;
    }
    const ms = w.ms;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_DELAY_MS) {
      throw new StepError(
        StepErrorCode.INVALID_STEP_INPUT,
        `delay: ms must be a number from 0 to ${MAX_DELAY_MS}, got ${JSON.stringify(ms)}`,
      );
    }
    return now + Math.round(ms);
  }
}
