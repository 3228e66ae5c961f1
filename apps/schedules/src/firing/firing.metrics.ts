import { Counter, Histogram } from 'prom-client';

export const firesTotal = new Counter({
  name: 'agentry_schedules_fires_total',
  help: 'Fires committed by this replica, by trigger and state (pending, buffered, skipped)',
  labelNames: ['trigger', 'state'],
});

export const droppedTotal = new Counter({
  name: 'agentry_schedules_missed_dropped_total',
  help: 'Claims that passed over missed due times without a fire (catch-up none/latest, or outside the window)',
});

export const runsStartedTotal = new Counter({
  name: 'agentry_schedules_runs_started_total',
  help: 'Runs started by this replica for fires',
});

export const startFailuresTotal = new Counter({
  name: 'agentry_schedules_start_failures_total',
  help: 'Failed executions.start attempts, by outcome (retry or failed) and error code',
  labelNames: ['outcome', 'code'],
});

export const fireLag = new Histogram({
  name: 'agentry_schedules_fire_lag_seconds',
  help: 'From due time to run started (executions.start answered), for on-time fires',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

export const claimDuration = new Histogram({
  name: 'agentry_schedules_claim_seconds',
  help: 'Duration of one claim transaction',
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
});
