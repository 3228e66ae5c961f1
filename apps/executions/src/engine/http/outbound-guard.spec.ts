import { checkLiteralHost, isBlockedAddress, OutboundRefusedError } from './outbound-guard';

describe(isBlockedAddress.name, () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '224.0.0.1',
  ])('blocks %s', (ip) => expect(isBlockedAddress(ip)).toBe(true));

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (ip) =>
    expect(isBlockedAddress(ip)).toBe(false),
  );
});

describe(checkLiteralHost.name, () => {
  it('refuses a blocked IP literal unless private networks are allowed', () => {
    expect(() => checkLiteralHost('127.0.0.1', false)).toThrow(OutboundRefusedError);
    expect(() => checkLiteralHost('[::1]', false)).toThrow(OutboundRefusedError);
    expect(() => checkLiteralHost('127.0.0.1', true)).not.toThrow();
    expect(() => checkLiteralHost('example.com', false)).not.toThrow();
  });
});
