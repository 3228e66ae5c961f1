import { ExecutionView } from '@agentry/contracts';
import { NatsHandles } from '@agentry/common';
import { RunWaiters } from './run-waiters';

describe(RunWaiters.name, () => {
  // No remote watching in these tests: a closed connection makes watchRemote a no-op.
  const nats = { nc: { isClosed: () => true } } as unknown as NatsHandles;
  const view = (id: string) => ({ id, status: 'succeeded' }) as ExecutionView;

  it('answers a waiter with its finished run, and every waiter of the same run', async () => {
    const sut = new RunWaiters(nats);
    const [a, b] = [sut.wait('exe_1', 60_000), sut.wait('exe_1', 60_000)];
    sut.finished(view('exe_1'));
    expect(await a).toEqual(view('exe_1'));
    expect(await b).toEqual(view('exe_1'));
    expect(sut.has('exe_1')).toBe(false);
  });

  it('answers null at its timeout', async () => {
    const sut = new RunWaiters(nats);
    expect(await sut.wait('exe_2', 10)).toBeNull();
  });

  it('closeAll answers every waiter with null now, and every later waiter at once', async () => {
    const sut = new RunWaiters(nats);
    const waiting = [sut.wait('exe_3', 60_000), sut.wait('exe_4', 60_000, true)];
    sut.closeAll();
    expect(await Promise.all(waiting)).toEqual([null, null]);
    expect(sut.has('exe_3')).toBe(false);
    expect(await sut.wait('exe_5', 60_000)).toBeNull();
    expect(sut.has('exe_5')).toBe(false);
  });
});
