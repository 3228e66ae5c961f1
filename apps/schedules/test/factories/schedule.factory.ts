import { Outbox } from '@agentry/common';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { SchedulesConfig } from '../../src/config/schedules.config';
import { ScheduleEntity } from '../../src/schedules/schedule.entity';
import { DueSchedule } from '../../src/schedules/schedules.repository';
import { Clock } from '../../src/timing/clock';

/** A clock that says what the test says. */
export class FixedClock extends Clock {
  constructor(public at: Date) {
    super();
  }
  now(): Date {
    return new Date(this.at);
  }
}

export function fakeDataSource(): { ds: DataSource; manager: EntityManager } {
  const manager = {} as EntityManager;
  const ds = { transaction: jest.fn((fn: (m: EntityManager) => unknown) => fn(manager)) } as unknown as DataSource;
  return { ds, manager };
}

/** The real Outbox's envelope(), with add/flush spied. */
export function fakeOutbox(): Outbox & { flush: jest.Mock } {
  const outbox = new Outbox();
  outbox.flush = jest.fn();
  return outbox as Outbox & { flush: jest.Mock };
}

export const silentLogger = { info: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn() } as unknown as Logger;

export function testConfig(overrides: Partial<SchedulesConfig> = {}): SchedulesConfig {
  return Object.assign(new SchedulesConfig(), overrides);
}

let n = 0;

/** A due schedule as a claim round reads it: every 10 s, due at `nextRunAt`. */
export function aDueSchedule(overrides: Partial<DueSchedule> = {}): DueSchedule {
  n++;
  return {
    id: `sch_${String(n).padStart(26, '0')}`,
    workspaceId: 'wks_test',
    agentId: 'agt_test',
    plan: 'pro',
    cron: null,
    intervalSeconds: 10,
    timezone: 'UTC',
    input: { n },
    overlapPolicy: 'allow',
    catchup: 'latest',
    catchupWindowSeconds: 86_400,
    nextRunAt: new Date('2026-05-01T10:00:00Z'),
    ...overrides,
  };
}

export function aSchedule(overrides: Partial<ScheduleEntity> = {}): ScheduleEntity {
  const now = new Date('2026-05-01T09:00:00Z');
  return Object.assign(new ScheduleEntity(), {
    ...aDueSchedule(),
    enabled: true,
    pausedNote: null,
    pausedAt: null,
    agentPaused: false,
    agentStatusAt: now,
    lastFireId: null,
    lastRunAt: null,
    lastStatus: null,
    lastExecutionId: null,
    totalRuns: 0,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  });
}
