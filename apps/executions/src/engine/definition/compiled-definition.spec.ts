import type { AgentDefinitionDto } from '@agentry/contracts';
import { backoffDelay, compileDefinition } from './compiled-definition';
import { TransformStep } from '../steps/transform.step';

const runners = (type: string) => (type === 'transform' ? new TransformStep() : undefined);

describe(compileDefinition.name, () => {
  it('compiles conditions, templates, the output and the retry policy once', () => {
    const definition = {
      steps: [
        {
          id: 'a',
          type: 'transform',
          with: { expression: 'input.x' },
          if: 'input.go',
          retry: { max_attempts: 3, backoff_ms: 200, factor: 3 },
          on_error: 'continue',
        },
        { id: 'b', type: 'llm', with: { prompt: 'hi {{ input.x }}', model: 'm' }, timeout_ms: 5000 },
      ],
      output: 'steps.a.output',
    } as unknown as AgentDefinitionDto;

    const sut = compileDefinition('agt_1', 2, definition, runners);

    expect(sut.steps[0]).toMatchObject({
      id: 'a',
      condition: expect.anything(),
      retry: { maxAttempts: 3, backoffMs: 200, factor: 3 },
      onError: 'continue',
      problem: null,
    });
    expect(sut.steps[1]).toMatchObject({ id: 'b', runner: null, timeoutMs: 5000, retry: { maxAttempts: 1 }, onError: 'fail' });
    expect(sut.output?.source).toBe('steps.a.output');
  });

  it('keeps a compile problem on its step instead of throwing', () => {
    const sut = compileDefinition(
      'agt_1',
      1,
      { steps: [{ id: 'a', type: 'transform', with: { expression: '{ "a": ' } }] } as unknown as AgentDefinitionDto,
      runners,
    );

    expect(sut.steps[0].problem?.where).toBe('definition.steps[0].with.expression');
  });
});

describe(backoffDelay.name, () => {
  it('waits backoff_ms × factor^(attempt − 1)', () => {
    const retry = { maxAttempts: 5, backoffMs: 100, factor: 2 };

    expect([1, 2, 3, 4].map((n) => backoffDelay(retry, n))).toEqual([100, 200, 400, 800]);
  });
});
