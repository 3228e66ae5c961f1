import { MuxSubscription, NoRespondersError, RequestError, RequestOne, TimeoutError } from '@nats-io/nats-core/internal';
import type { Msg } from '@nats-io/nats-core';
import { skipErrorsOfSettledRequests } from './settled-requests';

const { resolver: libraryResolver, cancel: libraryCancel } = RequestOne.prototype;

/** A request as nats.js makes it (without async stack traces, as connectNats asks), with a fake inbox multiplexer. */
function request() {
  const mux = { cancel: jest.fn() };
  const req = new RequestOne(mux as unknown as MuxSubscription, 'subject', { timeout: 1000 }, false);
  const reject = jest.spyOn(req.deferred, 'reject');
  const stopTimer = jest.spyOn(req.timer, 'cancel');
  return { req, mux, reject, stopTimer };
}

const msg = { subject: '_INBOX.x', data: new Uint8Array([1]) } as unknown as Msg;

/** The error the promise was rejected with (the handler is attached before the rejection happens). */
function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the request to be rejected');
    },
    (err: unknown) => err,
  );
}

describe('skipErrorsOfSettledRequests', () => {
  beforeAll(() => skipErrorsOfSettledRequests());

  it('replaces the resolver and cancel of RequestOne', () => {
    expect(RequestOne.prototype.resolver).not.toBe(libraryResolver);
    expect(RequestOne.prototype.cancel).not.toBe(libraryCancel);
  });

  it('an answered request resolves with its message, leaves the inbox multiplexer and is not rejected afterwards', async () => {
    const { req, mux, reject, stopTimer } = request();

    req.resolver(null, msg);

    await expect(req.deferred).resolves.toBe(msg);
    expect(mux.cancel).toHaveBeenCalledWith(req);
    expect(stopTimer).toHaveBeenCalled();
    expect(reject).not.toHaveBeenCalled();
  });

  it('cancelling an answered request again only clears its timer and its inbox entry', async () => {
    const { req, mux, reject, stopTimer } = request();
    req.resolver(null, msg);
    const muxCalls = mux.cancel.mock.calls.length;
    const timerCalls = stopTimer.mock.calls.length;

    req.cancel();

    expect(mux.cancel).toHaveBeenCalledTimes(muxCalls + 1);
    expect(stopTimer).toHaveBeenCalledTimes(timerCalls + 1);
    expect(reject).not.toHaveBeenCalled();
    await expect(req.deferred).resolves.toBe(msg);
  });

  it('cancelling a request that has no answer rejects it with a RequestError "cancelled", as the library does', async () => {
    const { req, mux, reject, stopTimer } = request();
    const failed = rejection(req.deferred);

    req.cancel();

    const err = await failed;
    expect(err).toBeInstanceOf(RequestError);
    expect((err as Error).message).toBe('cancelled');
    expect(reject).toHaveBeenCalledTimes(1);
    expect(mux.cancel).toHaveBeenCalledWith(req);
    expect(stopTimer).toHaveBeenCalled();
  });

  it('cancelling with an error rejects the request with that error', async () => {
    const { req } = request();
    const failed = rejection(req.deferred);
    const cause = new Error('publish failed');

    req.cancel(cause);

    expect(await failed).toBe(cause);
  });

  it('an error answer rejects the request once, with a RequestError that has the error as its cause', async () => {
    const { req, mux, reject } = request();
    const failed = rejection(req.deferred);
    const noResponders = new NoRespondersError('subject');

    req.resolver(noResponders, {} as Msg);

    const err = await failed;
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).message).toBe(noResponders.message);
    expect((err as RequestError).cause).toBe(noResponders);
    expect((err as RequestError).isNoResponders()).toBe(true);
    expect(reject).toHaveBeenCalledTimes(1);
    expect(mux.cancel).toHaveBeenCalledWith(req);
  });

  it('a timeout answer rejects the request with the TimeoutError itself', async () => {
    const { req, reject } = request();
    const failed = rejection(req.deferred);
    const timeout = new TimeoutError();

    req.resolver(timeout, {} as Msg);

    expect(await failed).toBe(timeout);
    expect(reject).toHaveBeenCalledTimes(1);
  });

  it('installing the patch again changes nothing', async () => {
    const { resolver, cancel } = RequestOne.prototype;

    skipErrorsOfSettledRequests();

    expect(RequestOne.prototype.resolver).toBe(resolver);
    expect(RequestOne.prototype.cancel).toBe(cancel);
    const { req, mux, reject } = request();
    req.resolver(null, msg);
    await expect(req.deferred).resolves.toBe(msg);
    expect(mux.cancel).toHaveBeenCalledTimes(1);
    expect(reject).not.toHaveBeenCalled();
  });
});
