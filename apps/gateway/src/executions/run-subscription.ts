import { ExecutionLlmDeltaMessage, ExecutionProgressMessage, llmDeltaSubject, progressSubject } from '@agentry/contracts';
import { NatsHandles } from '@agentry/common';

export type RunMessage = { kind: 'progress'; progress: ExecutionProgressMessage } | { kind: 'llm'; llm: ExecutionLlmDeltaMessage };

/**
 * Subscribes to a run's progress and model output. One executions connection publishes both, so NATS keeps
 * their relative order; what arrives before `start` is kept, in arrival order.
 */
export function subscribeToRun(nats: NatsHandles, id: string) {
  const early: RunMessage[] = [];
  let deliver: ((m: RunMessage) => void) | null = null;
  const receive = (m: RunMessage) => {
    if (deliver) deliver(m);
    else early.push(m);
  };
  const subs = [
    nats.nc.subscribe(progressSubject(id), {
      callback: (err, msg) => {
        if (!err) receive({ kind: 'progress', progress: msg.json<ExecutionProgressMessage>() });
      },
    }),
    nats.nc.subscribe(llmDeltaSubject(id), {
      callback: (err, msg) => {
        if (!err) receive({ kind: 'llm', llm: msg.json<ExecutionLlmDeltaMessage>() });
      },
    }),
  ];
  return {
    /** Hands over the kept messages (minus model output a snapshot at `snapshotSeq` covers), then the live ones. */
    start(snapshotSeq: number, handler: (m: RunMessage) => void) {
      deliver = handler;
      afterSnapshot(early.splice(0), snapshotSeq).forEach(handler);
    },
    unsubscribe: () => subs.forEach((s) => s.unsubscribe()),
  };
}

/** Model output that arrived before a change the snapshot shows belongs to a step the snapshot shows done. */
export function afterSnapshot(early: RunMessage[], snapshotSeq: number): RunMessage[] {
  const covered = early.findLastIndex((m) => m.kind === 'progress' && m.progress.seq <= snapshotSeq);
  return early.slice(covered + 1);
}
