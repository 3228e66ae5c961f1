/** One key's share of a budget shared by every replica (a workspace's requests this minute, its runs today). */
export interface LeasedShare {
  /** The period the share belongs to: a new period starts a new share. */
  period: string | number;
  /** Units leased from the shared store so far in this period, and spent here. */
  granted: number;
  used: number;
  /** The store has no more to give in this period. */
  exhausted: boolean;
  /** Size of the last lease: the next is taken while half of it is left. */
  lastGrant: number;
  leasing?: Promise<void>;
}

/**
 * Per-key shares of budgets that every replica spends from one store (NATS KV, a PostgreSQL row) without a round
 * trip per unit: a replica leases a chunk and spends it locally. The next chunk is leased while half of the last
 * one is still left, so under a steady load no caller waits for the store; only the first call of a period, or
 * a burst that outruns the lease, does. A replica holds at most one and a half chunks it has not spent.
 */
export class LeasedShares<S extends LeasedShare> {
  private readonly shares = new Map<string, S>();

  /**
   * @param lease adds what the store grants to `share.granted` (and sets `lastGrant`), or marks it exhausted;
   * a failure of a lease that a caller waits for reaches that caller.
   * @param onBackgroundError a lease taken ahead of need failed (a caller that came to wait for it meanwhile gets the
   * error too); the next call that needs one leases again.
   */
  constructor(
    private readonly fresh: (period: string | number) => S,
    private readonly lease: (key: string, share: S) => Promise<void>,
    private readonly onBackgroundError: (err: unknown) => void,
    private readonly maxKeys = 50_000,
  ) {}

  /** Spends one unit of `key`'s budget in `period`: the share after spending it, or null when the budget is spent. */
  async take(key: string, period: string | number): Promise<S | null> {
    let share = this.shares.get(key);
    if (!share || share.period !== period) {
      if (!share && this.shares.size >= this.maxKeys) this.evict(period);
      share = this.fresh(period);
      this.shares.set(key, share);
    }
    while (share.used >= share.granted && !share.exhausted) {
      const before = share.granted;
      await this.leaseOnce(key, share);
      if (share.granted === before) break; // the store gave nothing and did not say it was out: refuse this one
    }
    if (share.used >= share.granted) return null;
    share.used++;
    if (!share.exhausted && !share.leasing && share.granted - share.used <= share.lastGrant / 2) {
      this.leaseOnce(key, share).catch(this.onBackgroundError);
    }
    return share;
  }

  private leaseOnce(key: string, share: S): Promise<void> {
    share.leasing ??= this.lease(key, share).finally(() => (share.leasing = undefined));
    return share.leasing;
  }

  /** Makes room for a new key: drops the shares of earlier periods, or all of them when the current period alone fills the map. */
  private evict(period: string | number): void {
    for (const [k, s] of this.shares) if (s.period !== period) this.shares.delete(k);
    if (this.shares.size >= this.maxKeys) this.shares.clear();
  }
}
