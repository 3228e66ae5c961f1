import type { CreateAgentRequest, ExecutionView, StepDto } from '@agentry/contracts';
import { agentFactory, ApiClient, expectStatus, waitFor } from '@agentry/testing';

export const TERMINAL = ['succeeded', 'failed', 'cancelled', 'timed_out'];

/** An agent with these steps; max_concurrency 50 unless given. */
export function stepsAgent(
  steps: Partial<StepDto>[],
  options: { input_schema?: Record<string, unknown>; output?: string; max_concurrency?: number } = {},
): CreateAgentRequest {
  const { input_schema, output, max_concurrency } = options;
  return {
    ...agentFactory(),
    definition: { steps: steps as StepDto[], ...(input_schema ? { input_schema } : {}), ...(output ? { output } : {}) },
    max_concurrency: max_concurrency ?? 50,
  };
}

export async function createAgent(client: ApiClient, body: CreateAgentRequest): Promise<{ id: string; slug: string }> {
  return expectStatus(await client.post('/v1/agents', body), 201, 'POST /v1/agents').body;
}

/** Starts an async run and returns its id. */
export async function startAsync(
  client: ApiClient,
  agent: string,
  input: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = expectStatus(await client.post(`/v1/agents/${agent}/runs`, { input, async: true, ...extra }), 202, 'async run');
  return res.body.execution_id;
}

export async function getExecution(client: ApiClient, id: string): Promise<ExecutionView> {
  return expectStatus(await client.get(`/v1/executions/${id}`), 200, `GET /v1/executions/${id}`).body;
}

/** Polls the execution until `done` says so (default: a terminal status). */
export async function waitForExecution(
  client: ApiClient,
  id: string,
  done: (e: ExecutionView) => boolean = (e) => TERMINAL.includes(e.status),
  timeoutMs = 20_000,
): Promise<ExecutionView> {
  let last: ExecutionView | undefined;
  const ok = await waitFor(
    async () => {
      last = await getExecution(client, id);
      return done(last);
    },
    timeoutMs,
    50,
  );
  if (!ok) throw new Error(`execution ${id} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
  return last!;
}

export const stepStatus = (e: ExecutionView, id: string) => e.steps.find((s) => s.step_id === id)?.status;
