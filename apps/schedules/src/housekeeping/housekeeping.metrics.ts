import { Counter } from 'prom-client';

export const firesPrunedTotal = new Counter({
  name: 'agentry_schedules_fires_pruned_total',
  help: 'Settled fires this replica deleted past SCHEDULES_FIRE_RETENTION_DAYS',
});

export const reconcileLookupsTotal = new Counter({
  name: 'agentry_schedules_reconcile_lookups_total',
  help: 'Runs of quiet fires this replica looked up on the executions service, by outcome (found, missing, error)',
  labelNames: ['outcome'],
});

export const firesReconciledTotal = new Counter({
  name: 'agentry_schedules_fires_reconciled_total',
  help: 'Fires whose run status the reconcile corrected (their events were lost), by the status found',
  labelNames: ['status'],
});
