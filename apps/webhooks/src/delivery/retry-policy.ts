const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/;

export const DURATION_LIST_PATTERN = /^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)?\s*(,\s*\d+(\.\d+)?\s*(ms|s|m|h|d)?\s*)*$/;

/** `"0,5s,5m"` → `[0, 5000, 300000]`; a bare number is milliseconds. */
export function parseDurations(list: string): number[] {
  return list.split(',').map((part) => {
    const m = DURATION.exec(part);
    if (!m) throw new Error(`Not a duration: "${part}"`);
    return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']);
  });
}

/** `Retry-After` as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface RetryPolicyOptions {
  schedule: number[];
  jitter: number;
  maxRetryAfterMs: number;
  random?: () => number;
}

/**
 * Where a delivery goes after a failed attempt. `step` is the index in the schedule of the attempt
 * that just failed; the schedule's length is the number of attempts.
 */
export class RetryPolicy {
  private readonly random: () => number;

  constructor(private readonly options: RetryPolicyOptions) {
    this.random = options.random ?? Math.random;
  }

  get attempts(): number {
    return this.options.schedule.length;
  }

  /** Delay of the first attempt of a new delivery. */
  firstDelayMs(): number {
    return this.options.schedule[0] ?? 0;
  }

  /** Milliseconds until the next attempt, or null when the schedule is used up. Retry-After is a floor. */
  nextDelayMs(failedStep: number, retryAfterMs?: number): number | null {
    const next = failedStep + 1;
    if (next >= this.options.schedule.length) return null;
    const base = this.options.schedule[next];
    const spread = base * this.options.jitter * (this.random() * 2 - 1);
    const delay = Math.max(0, Math.round(base + spread));
    if (retryAfterMs === undefined) return delay;
    return Math.max(delay, Math.min(retryAfterMs, this.options.maxRetryAfterMs));
  }
}
