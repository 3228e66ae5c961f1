import { Batcher } from './batcher';

describe(Batcher.name, () => {
  it('sends a lone call at once and groups the calls that arrive while a batch is in flight', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const b = new Batcher<number, string>(
      10,
      (n) => String(n),
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return new Map(items.filter((n) => n !== 4).map((n) => [String(n), `ok ${n}`]));
      },
    );
    const first = b.submit(1);
    const rest = [b.submit(2), b.submit(3), b.submit(4)];
    expect(batches).toEqual([[1]]);
    release();
    expect(await first).toBe('ok 1');
    expect(await Promise.all(rest)).toEqual(['ok 2', 'ok 3', null]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a batch and fails every call of a failed batch, then goes on', async () => {
    let calls = 0;
    const b = new Batcher<number, number>(
      2,
      (n) => String(n),
      async (items) => {
        calls++;
        if (calls === 2) throw new Error('boom');
        return new Map(items.map((n) => [String(n), n * 10]));
      },
    );
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => b.submit(n)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([10, 'failed', 'failed', 40, 50]);
  });
});
