import { parseDurations, parseRetryAfter, RetryPolicy } from './retry-policy';

describe(RetryPolicy.name, () => {
  it('reads the Svix schedule from configuration', () => {
    expect(parseDurations('0,5s,5m,30m,2h,5h,10h,10h')).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(parseDurations('0, 250ms ,1.5s,1d')).toEqual([0, 250, 1_500, 86_400_000]);
    expect(() => parseDurations('0,soon')).toThrow(/Not a duration/);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('spreads each delay by the jitter and ends when the schedule is used up', () => {
    const low = new RetryPolicy({ schedule: [0, 1000, 2000], jitter: 0.1, maxRetryAfterMs: 10_000, random: () => 0 });
    const high = new RetryPolicy({ schedule: [0, 1000, 2000], jitter: 0.1, maxRetryAfterMs: 10_000, random: () => 0.999999 });
    expect(low.nextDelayMs(0)).toBe(900);
    expect(high.nextDelayMs(0)).toBe(1100);
    expect(low.nextDelayMs(1)).toBe(1800);
    expect(low.nextDelayMs(2)).toBeNull();
    expect(low.attempts).toBe(3);
  });

  it('waits at least Retry-After, capped', () => {
    const sut = new RetryPolicy({ schedule: [0, 1000, 2000], jitter: 0, maxRetryAfterMs: 5_000 });
    expect(sut.nextDelayMs(0, 3_000)).toBe(3_000);
    expect(sut.nextDelayMs(0, 10)).toBe(1_000);
    expect(sut.nextDelayMs(0, 60_000)).toBe(5_000);
  });
});
