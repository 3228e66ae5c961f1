import { LeasedShare, LeasedShares } from './leased-shares';

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every promise callback that can run now run (one macrotask later), without waiting on any clock. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Whether `promise` has settled once everything that can run now has run. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await settle();
  return settled;
}

/**
 * The shared store: every key has `total` units per period, handed out `chunk` at a time. In automatic mode a
 * lease is granted at once; in manual mode it waits until the test calls grantNext() or failNext().
 */
class FakeStore {
  manual = false;
  private readonly left = new Map<string, number>();
  private readonly waiting: { share: LeasedShare; done: Deferred }[] = [];

  readonly lease = jest.fn((key: string, share: LeasedShare): Promise<void> => {
    if (!this.manual) {
      this.grant(key, share);
      return Promise.resolve();
    }
    const done = deferred();
    this.waiting.push({
      share,
      done: {
        ...done,
        resolve: () => {
          this.grant(key, share);
          done.resolve();
        },
      },
    });
    return done.promise;
  });

  constructor(
    private readonly total: number,
    private readonly chunk: number,
  ) {}

  /** Leases that were asked for and have not been answered yet. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Answers the oldest pending lease with a grant, then lets the callers waiting for it run. */
  async grantNext(): Promise<void> {
    const next = this.waiting.shift();
    if (!next) throw new Error('no lease is pending');
    next.done.resolve();
    await settle();
  }

  /** Fails the oldest pending lease, then lets the callers waiting for it run. */
  async failNext(err: Error): Promise<void> {
    const next = this.waiting.shift();
    if (!next) throw new Error('no lease is pending');
    next.done.reject(err);
    await settle();
  }

  private grant(key: string, share: LeasedShare): void {
    const budget = `${key}@${share.period}`;
    const left = this.left.get(budget) ?? this.total;
    const got = Math.min(this.chunk, left);
    this.left.set(budget, left - got);
    if (got === 0) share.exhausted = true;
    share.granted += got;
    share.lastGrant = got;
  }
}

const fresh = (period: string | number): LeasedShare => ({ period, granted: 0, used: 0, exhausted: false, lastGrant: 0 });

function setup(options: { total?: number; chunk?: number; maxKeys?: number; manual?: boolean } = {}) {
  const store = new FakeStore(options.total ?? 1000, options.chunk ?? 4);
  store.manual = options.manual ?? false;
  const onBackgroundError = jest.fn();
  const shares = new LeasedShares(fresh, store.lease, onBackgroundError, options.maxKeys);
  return { store, onBackgroundError, shares };
}

/** A copy of the share as it is now: take() returns the same object every time, and later takes change it. */
const snap = (share: LeasedShare | null) =>
  share && { period: share.period, granted: share.granted, used: share.used, exhausted: share.exhausted, lastGrant: share.lastGrant };

/** Takes `n` units one after the other and returns the share as each take left it. */
async function takeMany(shares: LeasedShares<LeasedShare>, n: number, key = 'k', period: string | number = 1) {
  const results: ReturnType<typeof snap>[] = [];
  for (let i = 0; i < n; i++) results.push(snap(await shares.take(key, period)));
  return results;
}

describe('LeasedShares', () => {
  it('the first take of a period leases a chunk and waits for it', async () => {
    const { store, shares } = setup({ manual: true, chunk: 4 });

    const first = shares.take('k', 1);

    expect(store.lease).toHaveBeenCalledTimes(1);
    expect(store.lease).toHaveBeenCalledWith('k', expect.objectContaining({ period: 1 }));
    expect(await hasSettled(first)).toBe(false);

    await store.grantNext();

    await expect(first).resolves.toMatchObject({ period: 1, granted: 4, used: 1, lastGrant: 4, exhausted: false });
    expect(store.lease).toHaveBeenCalledTimes(1);
  });

  it('takes that leave more than half of the last grant do not lease', async () => {
    const { store, shares } = setup({ chunk: 4 });

    const [share] = await takeMany(shares, 1);

    expect(share).toMatchObject({ granted: 4, used: 1 });
    expect(store.lease).toHaveBeenCalledTimes(1);
  });

  it('a take that leaves half of the last grant leases the next chunk in the background and does not wait for it', async () => {
    const { store, shares } = setup({ manual: true, chunk: 4 });
    const first = shares.take('k', 1);
    await store.grantNext();
    await first;

    const second = shares.take('k', 1);

    // 4 granted, 2 used: half of the last grant is left, so the next lease goes out...
    expect(store.lease).toHaveBeenCalledTimes(2);
    expect(store.pending).toBe(1);
    // ...and the take does not wait for it
    expect(await hasSettled(second)).toBe(true);
    await expect(second).resolves.toMatchObject({ granted: 4, used: 2 });

    await store.grantNext();

    expect(await shares.take('k', 1)).toMatchObject({ granted: 8, used: 3, lastGrant: 4 });
    expect(store.lease).toHaveBeenCalledTimes(2);
  });

  it('takes while a lease is in flight do not lease again', async () => {
    const { store, shares } = setup({ manual: true, chunk: 4 });
    const first = shares.take('k', 1);
    await store.grantNext();
    await first;
    await shares.take('k', 1); // leaves 2 of 4: the background lease goes out

    const third = snap(await shares.take('k', 1));
    const fourth = snap(await shares.take('k', 1));

    expect(third).toMatchObject({ granted: 4, used: 3 });
    expect(fourth).toMatchObject({ granted: 4, used: 4 });
    expect(store.lease).toHaveBeenCalledTimes(2);
    expect(store.pending).toBe(1);
  });

  it('takes that find the share spent while a background lease is in flight wait for that same lease', async () => {
    const { store, shares } = setup({ manual: true, chunk: 6 });
    const first = shares.take('k', 1);
    await store.grantNext();
    await first;
    await takeMany(shares, 5); // the third take issued the second lease; all 6 units are spent and it is in flight

    const seventh = shares.take('k', 1);
    const eighth = shares.take('k', 1);

    expect(await hasSettled(seventh)).toBe(false);
    expect(await hasSettled(eighth)).toBe(false);
    expect(store.lease).toHaveBeenCalledTimes(2);

    await store.grantNext();

    // both got a unit of the one new grant
    const [a, b] = await Promise.all([seventh, eighth]);
    expect(a).toBe(b);
    expect(b).toMatchObject({ granted: 12, used: 8, lastGrant: 6 });
    expect(store.lease).toHaveBeenCalledTimes(2);
  });

  it('spends exactly the budget of the period, then returns null and stops leasing', async () => {
    const { store, shares } = setup({ total: 10, chunk: 4 });

    const results = await takeMany(shares, 10);

    expect(results.map((s) => s?.used)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(results[9]).toMatchObject({ granted: 10 });
    // grants of 4, 4 and 2, then a lease that finds the store empty
    expect(store.lease).toHaveBeenCalledTimes(4);
    expect(results[9]?.exhausted).toBe(true);

    expect(await shares.take('k', 1)).toBeNull();
    expect(await shares.take('k', 1)).toBeNull();
    expect(store.lease).toHaveBeenCalledTimes(4);
  });

  it('a store that has nothing to give makes the first take return null after one lease', async () => {
    const { store, shares } = setup({ total: 0 });

    expect(await shares.take('k', 1)).toBeNull();
    expect(await shares.take('k', 1)).toBeNull();
    expect(store.lease).toHaveBeenCalledTimes(1);
  });

  it('keys have separate shares', async () => {
    const { store, shares } = setup({ chunk: 10 });

    expect(await shares.take('a', 1)).toMatchObject({ granted: 10, used: 1 });
    expect(await shares.take('b', 1)).toMatchObject({ granted: 10, used: 1 });
    expect(await shares.take('a', 1)).toMatchObject({ granted: 10, used: 2 });
    expect(store.lease.mock.calls.map(([key]) => key)).toEqual(['a', 'b']);
  });

  it('a new period starts a new share and leases for it', async () => {
    const { store, shares } = setup({ chunk: 10 });
    const old = snap(await shares.take('k', 'day-1'));
    expect(old).toMatchObject({ period: 'day-1', granted: 10, used: 1 });

    const next = await shares.take('k', 'day-2');

    expect(next).toMatchObject({ period: 'day-2', granted: 10, used: 1 });
    expect(store.lease).toHaveBeenCalledTimes(2);
    expect(store.lease).toHaveBeenLastCalledWith('k', expect.objectContaining({ period: 'day-2' }));
  });

  it('a budget spent in one period does not refuse takes in the next: the new period leases again', async () => {
    const { store, shares } = setup({ total: 0 });
    expect(await shares.take('k', 'day-1')).toBeNull();
    expect(store.lease).toHaveBeenCalledTimes(1);

    expect(await shares.take('k', 'day-2')).toBeNull();

    expect(store.lease).toHaveBeenCalledTimes(2);
    expect(store.lease).toHaveBeenLastCalledWith('k', expect.objectContaining({ period: 'day-2' }));
  });

  it('a failed lease that a take waits for rejects that take, and the next take leases again', async () => {
    const { store, shares, onBackgroundError } = setup({ manual: true, chunk: 4 });
    const failure = new Error('store unavailable');

    const first = expect(shares.take('k', 1)).rejects.toBe(failure);
    const second = expect(shares.take('k', 1)).rejects.toBe(failure);
    await store.failNext(failure);

    await first;
    await second;
    expect(onBackgroundError).not.toHaveBeenCalled();
    expect(store.lease).toHaveBeenCalledTimes(1);

    const third = shares.take('k', 1);
    expect(store.lease).toHaveBeenCalledTimes(2);
    await store.grantNext();
    await expect(third).resolves.toMatchObject({ granted: 4, used: 1 });
  });

  it('a failed background lease goes to onBackgroundError, the take that issued it succeeds, and the next take leases again', async () => {
    const { store, shares, onBackgroundError } = setup({ manual: true, chunk: 4 });
    const failure = new Error('store unavailable');
    const first = shares.take('k', 1);
    await store.grantNext();
    await first;

    const second = await shares.take('k', 1); // issues the background lease
    expect(second).toMatchObject({ granted: 4, used: 2 });
    expect(store.lease).toHaveBeenCalledTimes(2);
    await store.failNext(failure);

    expect(onBackgroundError).toHaveBeenCalledTimes(1);
    expect(onBackgroundError).toHaveBeenCalledWith(failure);

    const third = await shares.take('k', 1);
    expect(third).toMatchObject({ granted: 4, used: 3 });
    expect(store.lease).toHaveBeenCalledTimes(3);
    await store.grantNext();
    expect(await shares.take('k', 1)).toMatchObject({ granted: 8, used: 4 });
    expect(onBackgroundError).toHaveBeenCalledTimes(1);
  });

  it('a failed background lease rejects a take that was waiting for it', async () => {
    const { store, shares } = setup({ manual: true, chunk: 2 });
    const failure = new Error('store unavailable');
    const first = shares.take('k', 1);
    await store.grantNext();
    await first; // 1 of 2 left: the background lease goes out
    await shares.take('k', 1); // the share is spent

    const third = expect(shares.take('k', 1)).rejects.toBe(failure);
    expect(store.lease).toHaveBeenCalledTimes(2);
    await store.failNext(failure);

    await third;
  });

  it('keeps every share while there are no more than maxKeys keys', async () => {
    const { store, shares } = setup({ chunk: 10, maxKeys: 2 });
    await shares.take('a', 1);
    await shares.take('b', 2);

    expect(await shares.take('a', 1)).toMatchObject({ used: 2 });
    expect(await shares.take('b', 2)).toMatchObject({ used: 2 });
    expect(store.lease).toHaveBeenCalledTimes(2);
  });

  it('with more than maxKeys keys, drops the shares of earlier periods and keeps those of the current one', async () => {
    const { store, shares } = setup({ chunk: 10, maxKeys: 2 });
    await shares.take('a', 1);
    await shares.take('b', 2);
    await shares.take('c', 2); // a third key: 'a' (period 1) goes
    expect(store.lease).toHaveBeenCalledTimes(3);

    expect(await shares.take('b', 2)).toMatchObject({ used: 2, granted: 10 });
    expect(await shares.take('c', 2)).toMatchObject({ used: 2, granted: 10 });
    expect(store.lease).toHaveBeenCalledTimes(3);

    expect(await shares.take('a', 1)).toMatchObject({ used: 1, granted: 10 });
    expect(store.lease).toHaveBeenCalledTimes(4);
  });

  it('with more than maxKeys keys in the current period alone, drops the earlier shares of that period too', async () => {
    const { store, shares } = setup({ chunk: 10, maxKeys: 2 });
    await shares.take('a', 1);
    await shares.take('b', 1);
    await shares.take('c', 1);
    expect(store.lease).toHaveBeenCalledTimes(3);

    expect(await shares.take('a', 1)).toMatchObject({ used: 1 });
    expect(await shares.take('b', 1)).toMatchObject({ used: 1 });
    expect(store.lease).toHaveBeenCalledTimes(5);
  });
});
