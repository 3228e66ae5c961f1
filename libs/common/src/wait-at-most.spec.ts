import { waitAtMost } from './wait-at-most';

describe(waitAtMost.name, () => {
  afterEach(() => jest.useRealTimers());

  it('returns when the work settles first, and leaves no timer behind', async () => {
    jest.useFakeTimers();
    let done = false;
    const waiting = waitAtMost(Promise.resolve('x'), 10_000).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(0);

    expect(done).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    await waiting;
  });

  it('returns after ms when the work does not settle', async () => {
    jest.useFakeTimers();
    let done = false;
    void waitAtMost(new Promise(() => undefined), 500).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);

    await jest.advanceTimersByTimeAsync(1);

    expect(done).toBe(true);
  });

  it('does not reject when the work fails', async () => {
    await expect(waitAtMost(Promise.reject(new Error('boom')), 1_000)).resolves.toBeUndefined();
  });

  it('treats a negative wait as none', async () => {
    jest.useFakeTimers();
    let done = false;
    void waitAtMost(new Promise(() => undefined), -5).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(0);

    expect(done).toBe(true);
  });
});
