import jsonata from 'jsonata';

/** Bounds on one evaluation of a user's JSONata expression. */
export interface JsonataLimits {
  /** Wall-clock cap on one evaluation (JSONata's D1012). */
  timeoutMs: number;
  /** Nesting depth cap (D1011). */
  stack: number;
  /** Longest sequence an evaluation may build (D2015). */
  sequence: number;
  /** How long an evaluation runs before it lets the event loop take a turn. */
  sliceMs: number;
}

export const JSONATA_LIMITS: JsonataLimits = { timeoutMs: 2_000, stack: 500, sequence: 1_000_000, sliceMs: 10 };

/** Where an evaluation keeps the time it last gave the event loop a turn (on its own frame, `environment.base`). */
const SLICE_STARTED = Symbol('agentry.jsonataSliceStarted');

type EvalFrame = { base: { [SLICE_STARTED]?: number } };

/**
 * Compiles a user's expression with the guardrails (time, depth, sequence length) and makes its evaluation
 * share the event loop. JSONata evaluates through promises that are already resolved, so an evaluation never
 * leaves the microtask queue: one that runs for its whole 2 s cap would hold the process for 2 s, with every
 * other run, NATS answer and claim heartbeat waiting behind it. Here, every node's evaluation first checks the
 * clock; once the evaluation has run `sliceMs` since its last turn, it waits for one `setImmediate`. An
 * expression that ends within a slice (nearly all) never waits. Throws JSONata's own error for bad syntax.
 */
export function compileGuardedJsonata(source: string, limits: JsonataLimits = JSONATA_LIMITS): jsonata.Expression {
  const expr = jsonata(source, { timeout: limits.timeoutMs, stack: limits.stack, sequence: limits.sequence } as jsonata.JsonataOptions);
  const { sliceMs } = limits;
  // JSONata looks this binding up (by its Symbol.for name) before evaluating each node, and awaits what it returns.
  expr.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, (_node: unknown, _input: unknown, frame: EvalFrame) => {
    const own = frame.base;
    const now = Date.now();
    const since = own[SLICE_STARTED];
    if (since === undefined) own[SLICE_STARTED] = now;
    else if (now - since >= sliceMs) {
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          own[SLICE_STARTED] = Date.now();
          resolve();
        }),
      );
    }
    return undefined;
  });
  return expr;
}
