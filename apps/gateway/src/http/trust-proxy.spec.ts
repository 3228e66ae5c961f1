import { parseTrustProxy } from './trust-proxy';

describe(parseTrustProxy.name, () => {
  it.each([
    ['false', false],
    ['FALSE', false],
    ['true', true],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['loopback, uniquelocal', ['loopback', 'uniquelocal']],
    ['192.168.1.10,10.1.0.0/16,fd00::/8,::1', ['192.168.1.10', '10.1.0.0/16', 'fd00::/8', '::1']],
  ])('reads %j', (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it.each(['', '1', '2', 'yes', '10.0.0.0/33', '::/129', '10.0.0.0/8/1', '10.0.0', 'example.com', '10.0.0.1,,10.0.0.2', '10.0.0.0/0x8'])(
    'refuses %j',
    (raw) => {
      expect(parseTrustProxy(raw)).toBeNull();
    },
  );
});
