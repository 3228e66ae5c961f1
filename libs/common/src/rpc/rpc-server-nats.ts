import { NatsContext, ServerNats } from '@nestjs/microservices';
import { waitAtMost } from '../wait-at-most';

type NatsServerOptions = ConstructorParameters<typeof ServerNats>[0];
type NatsMsg = Parameters<ServerNats['getPublisher']>[0];

/**
 * Nest's NATS server with two changes.
 *
 * It stops gracefully: `close()` (Nest calls it after the beforeApplicationShutdown hooks) first unsubscribes,
 * so the queue group sends new requests to other replicas, then waits up to `drainMs` for the requests in hand
 * to be answered, then closes the connection. Nest's own close drops the connection at once, and with it the
 * answer to every request in flight: a sync run's caller then waited until its RPC timeout.
 *
 * It routes without a thrown error per message: to find a message's handler, Nest first tries to read the
 * subject as JSON (a pattern may be an object), and our subjects (`executions.start`) are plain strings, so
 * every message threw and caught a SyntaxError. Profiled under the run benchmark that was 2 % of the
 * executions service's CPU. A subject that could be JSON still goes Nest's way.
 */
export class RpcServerNats extends ServerNats {
  private inFlight = 0;
  private idle?: () => void;

  constructor(
    options: NatsServerOptions,
    private readonly drainMs = 5_000,
  ) {
    super(options);
  }

  /** Counts a request as in hand until its answer stream is published to its end (Nest's last packet: isDisposed). */
  override getPublisher(natsMsg: NatsMsg, id: string, ctx: NatsContext): (response: unknown) => unknown {
    const publish = super.getPublisher(natsMsg, id, ctx);
    if (!natsMsg.reply) return publish;
    this.inFlight++;
    let open = true;
    return (response) => {
      const sent = publish(response);
      const packet = response as { isDisposed?: boolean; err?: unknown };
      if (open && (packet.isDisposed || packet.err !== undefined)) {
        open = false;
        if (--this.inFlight === 0) this.idle?.();
      }
      return sent;
    };
  }

  override async close(): Promise<void> {
    for (const sub of (this as unknown as { subscriptions: { unsubscribe(): void }[] }).subscriptions) sub.unsubscribe();
    if (this.inFlight > 0) {
      await waitAtMost(new Promise<void>((resolve) => (this.idle = resolve)), this.drainMs);
    }
    // The answers just sent may still sit in the client's buffer: a round trip to the server sends them first.
    await (this as unknown as { natsClient?: { flush(): Promise<void> } | null }).natsClient?.flush().catch(() => undefined);
    await super.close();
  }

  protected override getRouteFromPattern(pattern: string): string {
    const first = pattern.charCodeAt(0);
    // '{', '[' and '"' can start a JSON pattern; a plain subject is its own route.
    if (first === 123 || first === 91 || first === 34) return super.getRouteFromPattern(pattern);
    return this.normalizePattern(pattern);
  }
}
