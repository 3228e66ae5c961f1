/**
 * Groups calls that arrive while a batch is in flight: a lone call goes at once; calls that come meanwhile
 * go together in the next batch (at most `max`). `run` answers by key; a key it leaves out gets null, and
 * a failed batch fails each of its calls.
 */
export class Batcher<I, O> {
  private readonly queue: { item: I; resolve(o: O | null): void; reject(err: unknown): void }[] = [];
  private running = false;

  constructor(
    private readonly max: number,
    private readonly keyOf: (item: I) => string,
    private readonly run: (items: I[]) => Promise<Map<string, O>>,
  ) {}

  submit(item: I): Promise<O | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.max);
        try {
          const results = await this.run(batch.map((b) => b.item));
          for (const b of batch) b.resolve(results.get(this.keyOf(b.item)) ?? null);
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
