import { ConfigError, loadConfig } from '@agentry/common';
import { SchedulesConfig } from '../config/schedules.config';
import { backfillHorizon, fireRetentionMs, pruneCutoff } from './fire-retention';

describe('fire retention', () => {
  const now = new Date('2026-05-31T12:00:00Z');
  const config = (env: Record<string, string> = {}) => loadConfig(SchedulesConfig, env);

  it('keeps settled fires 30 days by default, and takes fractions of a day', () => {
    expect(pruneCutoff(config(), now)).toEqual(new Date('2026-05-01T12:00:00Z'));
    expect(fireRetentionMs(config({ SCHEDULES_FIRE_RETENTION_DAYS: '0.5' }))).toBe(12 * 3_600_000);
  });

  it('lets a backfill reach back to a minute after the prune cutoff (clock skew between replicas)', () => {
    expect(backfillHorizon(config({ SCHEDULES_FIRE_RETENTION_DAYS: '1' }), now)).toEqual(new Date('2026-05-30T12:01:00Z'));
  });

  it.each(['0', '-1', 'forever', '4000'])('refuses SCHEDULES_FIRE_RETENTION_DAYS=%s', (value) => {
    expect(() => config({ SCHEDULES_FIRE_RETENTION_DAYS: value })).toThrow(ConfigError);
  });
});
