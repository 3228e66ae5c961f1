import { formatInZone, normalizeZone } from './zoned-time';

describe(formatInZone.name, () => {
  it.each([
    ['2026-03-08T07:30:00Z', 'America/New_York', '2026-03-08T03:30:00-04:00'],
    ['2026-03-07T07:30:00Z', 'America/New_York', '2026-03-07T02:30:00-05:00'],
    ['2026-10-25T00:30:00Z', 'Europe/London', '2026-10-25T01:30:00+01:00'],
    ['2026-10-25T01:30:00Z', 'Europe/London', '2026-10-25T01:30:00+00:00'],
    ['2026-01-01T00:30:00Z', 'Asia/Kolkata', '2026-01-01T06:00:00+05:30'],
    ['2026-01-01T00:00:00Z', 'UTC', '2026-01-01T00:00:00+00:00'],
    ['2026-01-01T00:00:00.900Z', 'UTC', '2026-01-01T00:00:00+00:00'],
  ])('%s in %s is %s', (instant, zone, expected) => {
    expect(formatInZone(new Date(instant), zone)).toBe(expected);
  });
});

describe(normalizeZone.name, () => {
  it('spells a known zone as the IANA list does and keeps other accepted names', () => {
    expect(normalizeZone('america/new_york')).toBe('America/New_York');
    expect(normalizeZone('utc')).toBe('UTC');
    expect(normalizeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
  });
});
