import { compileGuardedJsonata, JSONATA_LIMITS } from './guarded-jsonata';

/** Counts the event loop's turns while `work` runs: a timer that fires every millisecond. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ turns: number; result: PromiseSettledResult<T> }> {
  let turns = 0;
  const timer = setInterval(() => turns++, 1);
  try {
    const [result] = await Promise.allSettled([work()]);
    return { turns, result };
  } finally {
    clearInterval(timer);
  }
}

// Long enough to outlast several 5 ms slices on any machine: about 150 ms under jest here, alone.
const N = 10_000;
// The tests of slicing are not tests of the time cap. CI runs suites side by side with PostgreSQL, NATS and whole
// service stacks on two cores, where an evaluation of 300 ms (alone) once outran 2 s of wall clock.
const ROOMY = { ...JSONATA_LIMITS, timeoutMs: 60_000, sliceMs: 5 };

/** Holds the event loop for `ms`, as another run's synchronous work would. */
function busy(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}
const SLOW = `$sum([1..${N}].($ * 2))`;
const SUM = N * (N + 1);

describe('compileGuardedJsonata', () => {
  it('evaluates like JSONata', async () => {
    const expr = compileGuardedJsonata('{ "email": $lowercase(input.email), "big": input.n > 100 }');
    await expect(expr.evaluate({ input: { email: 'A@B.C', n: 250 } })).resolves.toEqual({ email: 'a@b.c', big: true });
  });

  it('lets the event loop take turns during a long evaluation, and still gets the right answer', async () => {
    const expr = compileGuardedJsonata(SLOW, ROOMY);
    const { turns, result } = await turnsDuring(() => expr.evaluate({}));
    expect(result).toEqual({ status: 'fulfilled', value: SUM });
    expect(turns).toBeGreaterThan(0);
  });

  it('is what makes the difference: plain JSONata holds the event loop for the whole evaluation', async () => {
    // The control for the test above, so that it cannot pass for another reason.
    const jsonata = (await import('jsonata')).default;
    const expr = jsonata(SLOW);
    const { turns, result } = await turnsDuring(() => expr.evaluate({}));
    expect(result.status).toBe('fulfilled');
    expect(turns).toBe(0);
  });

  it('stops an evaluation at its time cap (D1012), with the event loop free meanwhile', async () => {
    const expr = compileGuardedJsonata('($f := function($n) { $n > 0 ? $f($n - 1) + $f($n - 1) : 1 }; $f(40))', {
      ...JSONATA_LIMITS,
      timeoutMs: 150,
      sliceMs: 5,
    });
    const { turns, result } = await turnsDuring(() => expr.evaluate({}));
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'D1012' });
    expect(turns).toBeGreaterThan(0);
  });

  it('counts only the time an evaluation runs against its cap, not the time it waits for its turn', async () => {
    // A short expression (a few ms of running) whose wait for one turn outlasts the cap: other work holds the
    // event loop for 1.2 s. With JSONata's wall-clock cap this failed with D1012; the evaluation ran far less.
    const expr = compileGuardedJsonata('$sum([1..3000].($ * 2))', { ...JSONATA_LIMITS, timeoutMs: 1_000, sliceMs: 1 });
    let finished = false;
    let heldWhileUnderWay = false;
    const evaluation = expr.evaluate({}).finally(() => (finished = true));
    setTimeout(() => {
      heldWhileUnderWay = !finished;
      busy(1_200);
    }, 0);
    await expect(evaluation).resolves.toBe(3000 * 3001);
    expect(heldWhileUnderWay).toBe(true);
  });

  it('still ends an evaluation that waits for its turns far longer than its cap (a wall-clock backstop of 10×)', async () => {
    // A few ms of running against a 50 ms cap, but other work holds the event loop 200 ms at each of its turns:
    // past 500 ms of wall clock it ends, though it ran far less than its cap.
    const expr = compileGuardedJsonata('$sum([1..400].($ * 2))', { ...JSONATA_LIMITS, timeoutMs: 50, sliceMs: 1 });
    let done = false;
    const evaluation = expr.evaluate({}).finally(() => (done = true));
    const hold = () => {
      if (done) return;
      busy(200);
      setTimeout(hold, 0);
    };
    setTimeout(hold, 0);
    await expect(evaluation).rejects.toMatchObject({ code: 'D1012' });
    // the control: the same expression, left alone, ends well within its cap
    await expect(expr.evaluate({})).resolves.toBe(400 * 401);
  });

  it('keeps the depth and sequence caps', async () => {
    const deep = compileGuardedJsonata('($f := function($n) { $f($n + 1) + 1 }; $f(0))');
    await expect(deep.evaluate({})).rejects.toMatchObject({ code: 'D1011' });
    const long = compileGuardedJsonata('[1..10]', { ...JSONATA_LIMITS, sequence: 5 });
    await expect(long.evaluate({})).rejects.toMatchObject({ code: 'D2015' });
  });

  it('does not keep a short evaluation waiting behind a long one, and gives each evaluation its own slices', async () => {
    const slow = compileGuardedJsonata(SLOW, ROOMY);
    const quick = compileGuardedJsonata('input.a + 1');
    const order: string[] = [];
    const long = slow.evaluate({}).then((v) => void order.push(`long ${v}`));
    // Started once the long one has been under way for a while (its first slice has passed).
    await new Promise((r) => setTimeout(r, 20));
    const short = quick.evaluate({ input: { a: 1 } }).then((v) => void order.push(`short ${v}`));
    await Promise.all([long, short]);
    expect(order).toEqual(['short 2', `long ${SUM}`]);
  });
});
