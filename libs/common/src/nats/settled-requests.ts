import { RequestOne } from '@nats-io/nats-core/internal';

const PATCHED = Symbol.for('agentry.natsSettledRequests');

type Patchable = RequestOne & { [PATCHED]?: boolean; settled?: boolean };

/**
 * nats.js ends every answered request with `cancel()`, which rejects the request's (already resolved) promise
 * with a new RequestError: a wasted Error, stack trace and all, per request. Profiled under the run benchmark
 * (a JetStream publish is a request too) it was 3–4 % of the gateway's and the executions service's CPU.
 * After this, `cancel()` on a request that was already answered only clears its timer and its entry in the
 * inbox multiplexer, as before, and builds no error. A request cancelled before its answer still rejects as
 * the library does. The library's own tests of this are ours too: see settled-requests.spec.ts.
 */
export function skipErrorsOfSettledRequests(): void {
  const proto = RequestOne.prototype as Patchable;
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;
  const resolver = proto.resolver;
  const cancel = proto.cancel;
  proto.resolver = function (this: Patchable, err, msg) {
    this.settled = true;
    resolver.call(this, err, msg);
  };
  proto.cancel = function (this: Patchable, err?: Error) {
    if (err || !this.settled) return cancel.call(this, err);
    this.timer?.cancel();
    this.mux.cancel(this);
  };
}
