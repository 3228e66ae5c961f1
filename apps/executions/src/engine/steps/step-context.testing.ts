import type { StepType } from '@agentry/contracts';
import { StepRunContext } from './step-runner';

/** A step context for unit tests of a runner: one run, no agent settings, log lines collected in `logged`. */
export function testStepContext(
  type: StepType,
  w: Record<string, unknown>,
  extra: Partial<StepRunContext> & { logged?: unknown[] } = {},
): StepRunContext {
  const { logged = [], ...rest } = extra;
  return {
    step: { position: 0, id: type === 'http' ? 'call' : 's', type, rawWith: w, timeoutMs: null, prepared: undefined },
    with: w,
    scope: { input: {}, steps: {}, run: {} },
    run: { id: 'exe_1', workspaceId: 'wks_1', agentId: 'agt_1', tokensUsed: 0 },
    attempt: 1,
    state: null,
    signal: new AbortController().signal,
    agent: async () => ({ maxTokensPerRun: null, llm: null }),
    log: async (level, message, data) => {
      logged.push({ level, message, data });
    },
    ...rest,
  };
}
