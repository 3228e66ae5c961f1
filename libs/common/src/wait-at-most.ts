/**
 * Waits for `work` to settle, or `ms` milliseconds, whichever comes first; never rejects. Its timer is cleared
 * when the work wins, so a stop that waited no longer leaves a grace-period timer holding the event loop open.
 * The shutdown drains (executions worker, schedules run starter, webhook dispatcher, RPC server, MCP pool) use it.
 */
export async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work.then(
        () => undefined,
        () => undefined,
      ),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms)))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
