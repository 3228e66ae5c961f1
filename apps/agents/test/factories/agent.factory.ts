import type { AgentDefinitionDto } from '@agentry/contracts';
import { newId } from '@agentry/common';
import type { DataSource, EntityManager } from 'typeorm';
import { AgentEntity } from '../../src/agents/agent.entity';

export function aDefinition(expression = 'input'): AgentDefinitionDto {
  return { steps: [{ id: 'echo', type: 'transform', with: { expression } }] };
}

export function anAgent(overrides: Partial<AgentEntity> = {}): AgentEntity {
  const at = new Date('2026-01-01T00:00:00Z');
  return Object.assign(new AgentEntity(), {
    id: newId('agt'),
    workspaceId: 'wks_test',
    slug: 'echo',
    name: 'Echo',
    description: null,
    tags: [],
    status: 'active',
    version: 1,
    definition: aDefinition(),
    llm: null,
    maxConcurrency: 10,
    maxTokensPerRun: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  });
}

export const ctx = { workspace_id: 'wks_test', request_id: 'req_test' };

/** A DataSource whose transactions just run the callback: use-case specs check logic, .int-spec files the SQL. */
export function fakeDataSource(): { ds: DataSource; manager: EntityManager } {
  const manager = {} as EntityManager;
  const ds = { transaction: jest.fn((fn: (m: EntityManager) => unknown) => fn(manager)) } as unknown as DataSource;
  return { ds, manager };
}

export function fakeOutbox() {
  return { add: jest.fn().mockResolvedValue(undefined), flush: jest.fn() };
}

export function fakeRepository() {
  return {
    findByRef: jest.fn(),
    slugsLike: jest.fn().mockResolvedValue([]),
    slugTaken: jest.fn().mockResolvedValue(false),
    insert: jest.fn().mockResolvedValue(undefined),
    update: jest.fn().mockResolvedValue(undefined),
    insertVersion: jest.fn().mockResolvedValue(undefined),
    delete: jest.fn().mockResolvedValue(undefined),
    listVersions: jest.fn().mockResolvedValue([]),
  };
}

/** The Postgres unique-violation shape TypeORM surfaces. */
export function uniqueViolation(constraint: string): Error {
  return Object.assign(new Error('duplicate key'), { code: '23505', constraint });
}
