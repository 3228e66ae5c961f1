import { ServerNats } from '@nestjs/microservices';

/**
 * Nest's NATS server, minus one cost per message: to find a message's handler, Nest first tries to read the
 * subject as JSON (a pattern may be an object), and our subjects (`executions.start`) are plain strings, so
 * every message threw and caught a SyntaxError. Profiled under the run benchmark that was 2 % of the
 * executions service's CPU. A subject that could be JSON still goes Nest's way.
 */
export class RpcServerNats extends ServerNats {
  protected override getRouteFromPattern(pattern: string): string {
    const first = pattern.charCodeAt(0);
    // '{', '[' and '"' can start a JSON pattern; a plain subject is its own route.
    if (first === 123 || first === 91 || first === 34) return super.getRouteFromPattern(pattern);
    return this.normalizePattern(pattern);
  }
}
