import { AttemptResult } from './http-sender';
import { decide } from './outcome';
import { RetryPolicy } from './retry-policy';

const retry = new RetryPolicy({ schedule: [0, 1000, 2000], jitter: 0, maxRetryAfterMs: 60_000 });
const d = { id: 'del_1', leaseId: 'l', scheduleStep: 0 };
const now = Date.parse('2026-11-23T10:00:00Z');
const result = (r: Partial<AttemptResult>): AttemptResult => ({
  kind: 'http_error',
  statusCode: 500,
  latencyMs: 5,
  excerpt: null,
  error: 'x',
  ...r,
});

describe(decide.name, () => {
  it('marks a 2xx delivered and clears the failure streak', () => {
    const sut = decide(d, result({ kind: 'succeeded', statusCode: 204, error: null }), retry, true, now);
    expect(sut).toMatchObject({ endpointOutcome: 'success', update: { status: 'succeeded', nextAttemptAt: null, counted: 1 } });
  });

  it('schedules the next attempt after a failure, and gives up when the schedule is used up', () => {
    expect(decide(d, result({}), retry, true, now).update).toMatchObject({
      status: 'pending',
      scheduleStep: 1,
      nextAttemptAt: new Date(now + 1000),
    });
    expect(decide({ ...d, scheduleStep: 2 }, result({}), retry, true, now).update).toMatchObject({ status: 'failed', nextAttemptAt: null });
  });

  it('honours Retry-After only on 429, 502, 503 and 504', () => {
    expect(decide(d, result({ statusCode: 429, retryAfterMs: 30_000 }), retry, true, now).update.nextAttemptAt).toEqual(
      new Date(now + 30_000),
    );
    expect(decide(d, result({ statusCode: 500, retryAfterMs: 30_000 }), retry, true, now).update.nextAttemptAt).toEqual(
      new Date(now + 1000),
    );
  });

  it('ends at once on 410 Gone (disabling an endpoint) and on an unusable URL', () => {
    expect(decide(d, result({ statusCode: 410 }), retry, true, now)).toMatchObject({
      endpointOutcome: 'gone',
      update: { status: 'failed' },
    });
    expect(decide(d, result({ statusCode: 410 }), retry, false, now)).toMatchObject({
      endpointOutcome: 'failure',
      update: { status: 'failed' },
    });
    expect(decide(d, result({ kind: 'invalid_url', statusCode: null }), retry, true, now).update.status).toBe('failed');
  });

  it('treats a redirect as a failure to retry', () => {
    expect(decide(d, result({ statusCode: 301 }), retry, true, now).update).toMatchObject({ status: 'pending', statusCode: 301 });
  });
});
