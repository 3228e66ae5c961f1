import { startNats, TestNats } from '@agentry/testing';
import { RequestError, RequestOne, TimeoutError } from '@nats-io/nats-core/internal';
import { connectNats, NatsHandles } from './nats';

/** Real nats-server, real client: requests behave as the library's do once connectNats has patched them. */
describe('requests with skipErrorsOfSettledRequests installed (real NATS)', () => {
  let nats: TestNats;
  let handles: NatsHandles;

  beforeAll(async () => {
    nats = await startNats();
    handles = await connectNats(nats.url, 'settled-requests-test');
  });

  afterAll(async () => {
    await handles?.nc.close();
    await nats?.stop();
  });

  it('connectNats installs the patch', () => {
    expect((RequestOne.prototype as unknown as Record<symbol, unknown>)[Symbol.for('agentry.natsSettledRequests')]).toBe(true);
  });

  it('a request answered by a subscriber resolves with the answer, every time', async () => {
    const { nc } = handles;
    const sub = nc.subscribe('settled.echo', {
      callback: (_err, m) => {
        m.respond(`${m.string()}!`);
      },
    });
    await nc.flush();
    // the connection's requests are instances of the RequestOne that was patched (not of another copy of nats-core)
    const resolver = jest.spyOn(RequestOne.prototype, 'resolver');

    try {
      for (let i = 0; i < 20; i++) {
        const reply = await nc.request('settled.echo', `ping ${i}`, { timeout: 10_000 });
        expect(reply.string()).toBe(`ping ${i}!`);
      }
      expect(resolver).toHaveBeenCalledTimes(20);
    } finally {
      resolver.mockRestore();
      sub.unsubscribe();
    }
  });

  it('a request that nobody subscribes to rejects with no responders', async () => {
    const err = await handles.nc.request('settled.nobody', 'hello', { timeout: 10_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).isNoResponders()).toBe(true);
  });

  it('a request that is never answered rejects with a TimeoutError', async () => {
    const { nc } = handles;
    const sub = nc.subscribe('settled.silent', { callback: () => undefined });
    await nc.flush();

    const err = await nc.request('settled.silent', 'hello', { timeout: 200 }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(TimeoutError);
    sub.unsubscribe();
  });

  it('a JetStream publish, which is a request too, is acknowledged', async () => {
    const { js, jsm } = handles;
    await jsm.streams.add({ name: 'SETTLED_TEST', subjects: ['settled-js.>'] });

    const first = await js.publish('settled-js.a', 'one');
    const second = await js.publish('settled-js.a', 'two');

    expect([first.stream, first.seq, second.seq]).toEqual(['SETTLED_TEST', 1, 2]);
  });
});
