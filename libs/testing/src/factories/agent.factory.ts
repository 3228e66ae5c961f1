import type { CreateAgentRequest } from '@agentry/contracts';
import { randomBytes } from 'node:crypto';

let sequence = 0;

/**
 * A valid CreateAgentRequest body: a two-step transform agent (normalize → score) whose input is
 * `{ email, employees }`. Name and slug are unique per call; `overrides` replace top-level fields.
 */
export function agentFactory(overrides: Partial<CreateAgentRequest> = {}): CreateAgentRequest {
  const n = ++sequence;
  const suffix = `${n}-${randomBytes(3).toString('hex')}`;
  return {
    name: `Lead qualifier ${suffix}`,
    slug: `lead-qualifier-${suffix}`,
    description: 'Scores inbound leads',
    tags: ['sales', 'test'],
    definition: {
      input_schema: {
        type: 'object',
        required: ['email', 'employees'],
        additionalProperties: false,
        properties: {
          email: { type: 'string', format: 'email' },
          employees: { type: 'integer', minimum: 0 },
        },
      },
      steps: [
        {
          id: 'normalize',
          type: 'transform',
          with: { expression: '{ "email": $lowercase(input.email), "employees": input.employees }' },
        },
        {
          id: 'score',
          type: 'transform',
          with: { expression: '{ "email": steps.normalize.output.email, "score": steps.normalize.output.employees > 100 ? 90 : 40 }' },
        },
      ],
      output: 'steps.score.output',
    },
    max_concurrency: 10,
    ...overrides,
  };
}

/** A run input that the agentFactory() agent accepts; `employees` > 100 scores 90, otherwise 40. */
export function agentInputFactory(overrides: Partial<{ email: string; employees: number }> = {}): { email: string; employees: number } {
  return { email: `Lead.${++sequence}@Example.com`, employees: 250, ...overrides };
}
