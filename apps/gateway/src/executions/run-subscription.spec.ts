import type { ExecutionLlmDeltaMessage, ExecutionProgressMessage } from '@agentry/contracts';
import type { NatsHandles } from '@agentry/common';
import { RunMessage, subscribeToRun } from './run-subscription';

const ID = 'exe_01JD5Z4Q9X7N3B2V1C0M8K6H4G';
const AT = '2026-11-23T10:00:00.000Z';

const progress = (seq: number): ExecutionProgressMessage => ({ execution_id: ID, seq, type: 'status', status: 'running', at: AT });
const delta = (text: string): ExecutionLlmDeltaMessage => ({ execution_id: ID, step_id: 'draft', call: 1, delta: text, at: AT });

/** A NATS connection whose subscriptions the test feeds by hand. */
function fakeNats() {
  const callbacks = new Map<string, (err: Error | null, msg: { json: () => unknown }) => void>();
  const unsubscribed: string[] = [];
  const nats = {
    nc: {
      subscribe: (subject: string, opts: { callback: (err: Error | null, msg: { json: () => unknown }) => void }) => {
        callbacks.set(subject, opts.callback);
        return { unsubscribe: () => unsubscribed.push(subject) };
      },
    },
  } as unknown as NatsHandles;
  const publish = (subject: string, payload: unknown) => callbacks.get(subject)!(null, { json: () => payload });
  return { nats, unsubscribed, publish };
}

const describeMessage = (m: RunMessage) => (m.kind === 'llm' ? `llm ${m.llm.delta}` : `progress ${m.progress.seq}`);

describe(subscribeToRun.name, () => {
  it('keeps what arrives before start, in arrival order, then hands over the live messages', () => {
    const { nats, publish } = fakeNats();
    const sut = subscribeToRun(nats, ID);
    const seen: string[] = [];

    publish(`executions.llm.${ID}`, delta('Ada'));
    publish(`executions.progress.${ID}`, progress(4));
    publish(`executions.llm.${ID}`, delta(' wrote'));
    sut.start(3, (m) => seen.push(describeMessage(m)));
    publish(`executions.llm.${ID}`, delta(' code'));
    publish(`executions.progress.${ID}`, progress(5));

    expect(seen).toEqual(['llm Ada', 'progress 4', 'llm  wrote', 'llm  code', 'progress 5']);
  });

  it('drops model output that came before a change the snapshot already shows', () => {
    const { nats, publish } = fakeNats();
    const sut = subscribeToRun(nats, ID);
    const seen: string[] = [];

    publish(`executions.llm.${ID}`, delta('old'));
    publish(`executions.progress.${ID}`, progress(4));
    publish(`executions.llm.${ID}`, delta('new'));
    sut.start(4, (m) => seen.push(describeMessage(m)));

    expect(seen).toEqual(['llm new']);
  });

  it('unsubscribes from both subjects', () => {
    const { nats, unsubscribed } = fakeNats();

    subscribeToRun(nats, ID).unsubscribe();

    expect(unsubscribed.sort()).toEqual([`executions.llm.${ID}`, `executions.progress.${ID}`]);
  });
});
