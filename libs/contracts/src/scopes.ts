export const SCOPES = [
  'agents:read',
  'agents:write',
  'agents:run',
  'agents:approve',
  'executions:read',
  'schedules:read',
  'schedules:write',
  'connections:read',
  'connections:write',
  'webhooks:read',
  'webhooks:write',
  'tools:call',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export const PLANS = ['free', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

/** Per-plan limits. `admin` scope implies every other scope. */
export const PLAN_LIMITS: Record<Plan, { requests_per_minute: number; runs_per_day: number; concurrent_runs: number }> = {
  free: { requests_per_minute: 600, runs_per_day: 1_000, concurrent_runs: 5 },
  pro: { requests_per_minute: 6_000, runs_per_day: 100_000, concurrent_runs: 50 },
  enterprise: { requests_per_minute: 60_000, runs_per_day: 10_000_000, concurrent_runs: 500 },
};
