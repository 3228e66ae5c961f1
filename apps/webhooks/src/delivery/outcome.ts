import { DeliveryUpdate } from './dispatch.repository';
import { AttemptResult } from './http-sender';
import { RetryPolicy } from './retry-policy';

/** Statuses that ask the sender to slow down: their Retry-After is honoured (as a floor on the schedule). */
const BACK_OFF_STATUSES = new Set([429, 502, 503, 504]);

export interface Decision {
  update: DeliveryUpdate;
  /** What the attempt says about the endpoint: clears or extends its failure streak, or (410) disables it. */
  endpointOutcome: 'success' | 'failure' | 'gone';
}

interface Attempted {
  id: string;
  leaseId: string;
  scheduleStep: number;
}

/** Where a delivery goes after an attempt: delivered, due again later, or failed for good. */
export function decide(d: Attempted, r: AttemptResult, retry: RetryPolicy, isEndpoint: boolean, now = Date.now()): Decision {
  const base = { id: d.id, leaseId: d.leaseId, counted: 1 as const, attemptedAt: new Date(now), statusCode: r.statusCode, error: r.error };
  if (r.kind === 'succeeded') {
    return { update: { ...base, status: 'succeeded', nextAttemptAt: null, scheduleStep: d.scheduleStep }, endpointOutcome: 'success' };
  }
  const gone = r.statusCode === 410;
  const final = gone || r.kind === 'invalid_url';
  const retryAfter = r.statusCode !== null && BACK_OFF_STATUSES.has(r.statusCode) ? r.retryAfterMs : undefined;
  const delay = final ? null : retry.nextDelayMs(d.scheduleStep, retryAfter);
  const endpointOutcome = gone && isEndpoint ? 'gone' : 'failure';
  if (delay === null) {
    return { update: { ...base, status: 'failed', nextAttemptAt: null, scheduleStep: d.scheduleStep }, endpointOutcome };
  }
  return {
    update: { ...base, status: 'pending', nextAttemptAt: new Date(now + delay), scheduleStep: d.scheduleStep + 1 },
    endpointOutcome,
  };
}

interface Claimed {
  id: string;
  leaseId: string;
  scheduleStep: number;
}

/** Untried: due again at once, no attempt counted (breaker open, shutdown). */
export function handBackUpdate(d: Claimed): DeliveryUpdate {
  return {
    id: d.id,
    leaseId: d.leaseId,
    status: 'pending',
    nextAttemptAt: new Date(),
    scheduleStep: d.scheduleStep,
    counted: 0,
    attemptedAt: null,
    statusCode: null,
    error: null,
  };
}

/** Failed without an attempt (its endpoint was disabled meanwhile). */
export function giveUpUpdate(d: Claimed, error: string): DeliveryUpdate {
  return { ...handBackUpdate(d), status: 'failed', nextAttemptAt: null, error };
}
