import { Outbox } from '@agentry/common';
import type { AgentDefinitionDto } from '@agentry/contracts';
import pino from 'pino';
import { register } from 'prom-client';
import type { AgentCatalog } from '../catalog/agent-catalog';
import { compileDefinition } from './definition/compiled-definition';
import type { ProgressPublisher } from './progress-publisher';
import { RunExecutor } from './run-executor';
import { ExecutionRecord } from './run-record';
import type { RunStore } from './run-store';
import type { RunWaiters } from './run-waiters';
import { TransformStep } from './steps/transform.step';

/** runAhead needs no database, no NATS and no catalog: what it would write is kept in memory. */
const unused = <T>() => ({}) as T;
const executor = new RunExecutor(
  unused<RunStore>(),
  new Outbox(),
  unused<ProgressPublisher>(),
  unused<RunWaiters>(),
  unused<AgentCatalog>(),
  pino({ level: 'silent' }),
);
const definition = compileDefinition(
  'agt_1',
  1,
  {
    steps: [
      { id: 'double', type: 'transform', with: { expression: 'input.n * 2' } },
      { id: 'add', type: 'transform', with: { expression: 'steps.double.output + 1' } },
    ],
    output: 'steps.add.output',
  } as unknown as AgentDefinitionDto,
  (type) => (type === 'transform' ? new TransformStep() : undefined),
);

const newRun = (id: string): ExecutionRecord => ({
  id,
  workspace_id: 'wks_1',
  agent_id: 'agt_1',
  agent_version: 1,
  status: 'queued',
  trigger_type: 'api',
  trigger_id: null,
  input: { n: 20 },
  output: null,
  error: null,
  metadata: {},
  callback_url: null,
  retry_of: null,
  summary: 'Queued',
  tokens_used: 0,
  cancel_requested: false,
  created_at: new Date().toISOString(),
  started_at: null,
  finished_at: null,
  duration_ms: null,
  seq: 0,
});

async function counted(): Promise<{ started: number; finished: number; steps: number }> {
  const value = async (name: string) => ((await register.getSingleMetric(name)?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  return {
    started: await value('agentry_executions_runs_started_total'),
    finished: await value('agentry_executions_runs_finished_total'),
    steps: await value('agentry_executions_steps_total'),
  };
}

describe('RunExecutor.runAhead', () => {
  it('runs the steps in memory and leaves the run, its steps, log lines and events for the insert', async () => {
    const ahead = await executor.runAhead(newRun('exe_1'), definition);

    expect(ahead?.exe).toMatchObject({ id: 'exe_1', status: 'succeeded', output: 41 });
    expect(ahead?.steps.map((s) => [s.step_id, s.status, s.output])).toEqual([
      ['double', 'succeeded', 40],
      ['add', 'succeeded', 41],
    ]);
    expect(ahead?.events.map((e) => e.subject)).toEqual([
      'agentry.executions.started',
      'agentry.executions.step_completed',
      'agentry.executions.step_completed',
      'agentry.executions.succeeded',
    ]);
    expect(ahead?.logs.map((l) => l.message)).toEqual([
      'Run started (agent version 1)',
      expect.stringMatching(/^Step double succeeded/),
      expect.stringMatching(/^Step add succeeded/),
      expect.stringMatching(/^Run succeeded/),
    ]);
  });

  it('counts its metrics only when what ran ahead is kept, so a dropped one is not counted twice', async () => {
    const before = await counted();
    const dropped = await executor.runAhead(newRun('exe_2'), definition);
    const kept = await executor.runAhead(newRun('exe_3'), definition);
    expect(await counted()).toEqual(before);

    RunExecutor.countAhead(kept!);

    expect(await counted()).toEqual({ started: before.started + 1, finished: before.finished + 1, steps: before.steps + 2 });
    expect(dropped).not.toBeNull();
  });
});
