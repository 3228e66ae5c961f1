import { BreakerFailure, INITIAL_WINDOW, TargetRegistry } from './target-registry';

const fail = () => Promise.reject(new BreakerFailure('down'));
const ok = () => Promise.resolve('ok');

describe(TargetRegistry.name, () => {
  let probes: number;
  let sut: TargetRegistry;

  beforeEach(() => {
    probes = 0;
    sut = new TargetRegistry({ maxInFlightPerTarget: 16, breakerThreshold: 3, breakerResetMs: 50, onProbeAllowed: () => probes++ });
  });

  afterEach(() => sut.shutdown());

  it('starts a target with a small window that doubles as it answers and drops to one when it is slow', async () => {
    const t = sut.get('whe_a');
    expect(t.capacity()).toBe(INITIAL_WINDOW);
    await t.breaker.fire(ok);
    await t.breaker.fire(ok);
    expect(t.capacity()).toBe(8);
    for (let i = 0; i < 5; i++) await t.breaker.fire(ok);
    expect(t.capacity()).toBe(16);
    t.inflight = 3;
    expect(t.capacity()).toBe(13);
    t.slowedDown();
    expect(t.capacity()).toBe(0);
    t.inflight = 0;
    expect(t.capacity()).toBe(1);
  });

  it('opens after consecutive failures, allows one probe when half-open, re-opens on failure and closes on success', async () => {
    const t = sut.get('whe_b');
    await t.breaker.fire(fail).catch(() => undefined);
    await t.breaker.fire(ok);
    await t.breaker.fire(fail).catch(() => undefined);
    await t.breaker.fire(fail).catch(() => undefined);
    expect(t.breaker.closed).toBe(true); // a success in between resets the count
    await t.breaker.fire(fail).catch(() => undefined);
    expect(t.breaker.opened).toBe(true);
    expect(t.capacity()).toBe(0);
    expect(sut.limits().blocked).toEqual(['whe_b']);
    await expect(t.breaker.fire(ok)).rejects.toMatchObject({ code: 'EOPENBREAKER' });

    await new Promise((r) => setTimeout(r, 80));
    expect(probes).toBe(1);
    expect(t.breaker.halfOpen).toBe(true);
    expect(t.capacity()).toBe(1);
    await t.breaker.fire(fail).catch(() => undefined);
    expect(t.breaker.opened).toBe(true);

    await new Promise((r) => setTimeout(r, 80));
    expect(probes).toBe(2);
    await t.breaker.fire(ok);
    expect(t.breaker.closed).toBe(true);
    expect(t.capacity()).toBeGreaterThan(0);
  });

  it('reports only targets whose capacity differs from the default, and forgets idle ones', () => {
    sut.get('whe_c');
    const busy = sut.get('whe_d');
    busy.inflight = 1;
    expect(sut.limits()).toEqual({ blocked: [], capacities: { whe_d: 1 } });
    busy.inflight = 0;
    sut.sweep(-1);
    expect(sut.peek('whe_c')).toBeUndefined();
  });
});
