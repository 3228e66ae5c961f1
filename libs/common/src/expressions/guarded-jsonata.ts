import jsonata from 'jsonata';

/** Bounds on one evaluation of a user's JSONata expression. */
export interface JsonataLimits {
  /** Cap on the time one evaluation spends running (D1012); its waits for a turn of the event loop do not count. */
  timeoutMs: number;
  /** Nesting depth cap (D1011). */
  stack: number;
  /** Longest sequence an evaluation may build (D2015). */
  sequence: number;
  /** How long an evaluation runs before it lets the event loop take a turn. */
  sliceMs: number;
}

export const JSONATA_LIMITS: JsonataLimits = { timeoutMs: 2_000, stack: 500, sequence: 1_000_000, sliceMs: 10 };

/** One evaluation's clock, kept on its own frame (`environment.base`); monotonic milliseconds (performance.now). */
interface EvalClock {
  /** When it began. */
  started: number;
  /** When its current slice began. */
  sliceStarted: number;
  /** Time it ran in the slices before this one. */
  ran: number;
}

/** However long its waits for a turn, no evaluation lasts longer than this many times its cap. */
const WALL_CLOCK_BACKSTOP = 10;

const CLOCK = Symbol('agentry.jsonataClock');

type EvalFrame = { base: { [CLOCK]?: EvalClock } };

/**
 * Compiles a user's expression with the guardrails (time, depth, sequence length) and makes its evaluation
 * share the event loop. JSONata evaluates through promises that are already resolved, so an evaluation never
 * leaves the microtask queue: one that runs for its whole 2 s cap would hold the process for 2 s, with every
 * other run, NATS answer and claim heartbeat waiting behind it. Here, every node's evaluation first checks the
 * clock; once the evaluation has run `sliceMs` since its last turn, it waits for one `setImmediate`. An
 * expression that ends within a slice (nearly all) never waits.
 *
 * The time cap counts the slices only. JSONata's own cap is wall-clock from the start; with turns taken, that
 * would charge an expression for the other runs' work done while it waited, and a busy process would fail
 * expressions that pass when it is idle. A slice still includes what ran in the same tick: evaluations started
 * together interleave their microtasks, so each is charged for the others' nodes as well (bounded by the slice).
 * A wall-clock backstop of ten times the cap ends an evaluation however much of its time was waiting. The error is
 * JSONata's own (D1012, with its message). Throws JSONata's error for bad syntax.
 */
export function compileGuardedJsonata(source: string, limits: JsonataLimits = JSONATA_LIMITS): jsonata.Expression {
  // JSONata's wall-clock timeout is off (0); the hook below keeps the cap instead.
  const expr = jsonata(source, { timeout: 0, stack: limits.stack, sequence: limits.sequence } as jsonata.JsonataOptions);
  const { sliceMs, timeoutMs } = limits;
  // JSONata looks this binding up (by its Symbol.for name) before evaluating each node, and awaits what it returns.
  expr.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, (_node: unknown, _input: unknown, frame: EvalFrame) => {
    const own = frame.base;
    const now = performance.now();
    const clock = own[CLOCK];
    if (clock === undefined) {
      own[CLOCK] = { started: now, sliceStarted: now, ran: 0 };
      return undefined;
    }
    const slice = now - clock.sliceStarted;
    // JSONata fills in the message from the code, as for its own guardrails' errors.
    if (clock.ran + slice > timeoutMs || now - clock.started > timeoutMs * WALL_CLOCK_BACKSTOP) {
      throw Object.assign(new Error(), { code: 'D1012', value: timeoutMs });
    }
    if (slice < sliceMs) return undefined;
    clock.ran += slice;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        clock.sliceStarted = performance.now();
        resolve();
      }),
    );
  });
  return expr;
}
